"""`aftersales bench`: the benchmark table (docs/BENCHMARKS.md).

    isolate.py    the throw-away database: a temp SQLite file, or a database created on a
                  PostgreSQL server and dropped after; the measuring runs in a child process
                  whose settings point at it, so the user's database is never opened
    run.py        the measures, each beside its raw-SQL baseline, in one child process
    data.py       the shops and goods, the import files' rows, and the set-based fill up to N cases
    baselines.py  raw SQL writing the same import rows, and the queue's hand-written queries
    sweep_sql.py  the deadline sweep as a handful of set-based statements
    report.py     goals, the table and the JSON
    dialect.py    the few SQL spellings that differ between SQLite and PostgreSQL
"""
