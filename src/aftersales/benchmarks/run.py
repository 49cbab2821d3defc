"""The measures.  `outer` makes the throw-away database and runs `inner` in a child process
against it; `inner` migrates, imports, fills, and measures each thing beside its baseline:

1. import: M orders, then one case for each, through cases.importer.import_rows (what
   `aftersales import` runs), from JSON Lines rows in memory; baseline: the same rows written
   again with executemany / COPY (baselines.py).
2. queue: the first page of the open queue by priority, a page filtered by shop and state, and
   one by deadline_before, through api.queue.page and api.cases.list_item (what GET
   /api/v1/cases runs, less the HTTP layer); the first page once more as a whole HTTP request
   through Django's test client with a real token; baseline: the hand-written SELECT.
3. sweep: cases.sweep.sweep(at) over the filled database; baseline: sweep_sql.py on the same
   state, rolled back before the measured run.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

RUN_SETTINGS = ("cases", "import_cases", "runs", "batch_size")


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def code_version() -> str:
    """The commit the code was at (and whether files differed from it), when run from a checkout."""
    import subprocess

    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True, text=True,
                              timeout=10, check=False)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if head.returncode != 0:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"aftersales {version('aftersales')} (not a git checkout)"
        except PackageNotFoundError:
            return "unknown"
    return head.stdout.strip() + (" with local changes" if dirty.stdout.strip() else "")


def _load() -> float | None:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def machine() -> dict:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": memory, "system": f"{platform.system()} {platform.machine()}",
            "python": platform.python_version()}


# ---------------------------------------------------------------------------------------------
# Outer: the throw-away database

def outer(*, cases: int, import_cases: int, runs: int, batch_size: int, database_url: str | None,
          keep: bool = False, profile_sweep: str | None = None) -> dict:
    from aftersales.benchmarks.isolate import BenchDatabase
    from aftersales.benchmarks.report import judge

    started = time.perf_counter()
    started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="aftersales-bench-result-") as tmp:
        result_path = Path(tmp) / "result.json"
        args = ["--inner", str(result_path), "--cases", str(cases), "--import-cases", str(import_cases),
                "--runs", str(runs), "--batch-size", str(batch_size)]
        if profile_sweep:
            args += ["--profile-sweep", str(Path(profile_sweep).resolve())]
        with BenchDatabase(database_url, keep=keep) as db:
            _log(f"running on a throw-away {db.where}")
            code = db.run_child(args)
            if keep:
                _log(f"kept: {db.where}")
        if code != 0 or not result_path.exists():
            raise RuntimeError(f"the benchmark process failed (exit status {code}); its output is above")
        result = json.loads(result_path.read_text())
    result.update(started_at=started_at, seconds=round(time.perf_counter() - started, 1),
                  machine={**machine(), "load_before": load_before, "load_after": _load()}, code=code_version())
    judge(result)
    return result


# ---------------------------------------------------------------------------------------------
# Inner: on the bench database

def inner(*, cases: int, import_cases: int, runs: int, batch_size: int, profile_sweep: str | None = None) -> dict:
    from django.core.management import call_command

    from aftersales import clock
    from aftersales.benchmarks import data
    from aftersales.benchmarks import dialect as sql

    _log("migrating the bench database")
    call_command("migrate", verbosity=0)
    world = data.make_world()
    result: dict = {"database": sql.server_version(), "cases": cases, "import_cases": import_cases, "runs": runs,
                    "batch_size": batch_size, "rows": [], "notes": []}
    result["rows"] += _import(world, import_cases, batch_size, clock.now())

    # The sweep's time: the next whole second, so that everything imported is before it.
    at = (clock.now() + timedelta(seconds=1)).replace(microsecond=0)
    _log(f"filling to {cases:,} cases (set-based SQL, not measured)")
    filled = data.fill(world, cases, at)
    result["fill"] = {**filled.as_dict(), "mix_words": data.mix_lines(filled)}
    _log(f"filled {filled.cases:,} cases and {filled.deadlines:,} deadlines in {filled.seconds:.1f} s")
    from aftersales.cases.models import Case, Deadline

    result["cases"] = Case.objects.count()
    result["open_cases"] = Case.objects.filter(is_open=True).count()
    result["open_deadlines"] = Deadline.objects.filter(status="open").count()
    if result["cases"] != cases:
        result["notes"].append(f"the database holds {result['cases']:,} cases: the import alone writes "
                               f"{2 * import_cases:,} (ours and the raw baseline's)")

    result["rows"] += _queue(world, at, runs)
    result["sweep_at"] = at.isoformat()
    result["rows"].append(_sweep(at, profile_sweep))
    return result


def _import(world, m: int, batch_size: int, now) -> list[dict]:
    from aftersales.benchmarks import baselines, data
    from aftersales.cases.importer import import_rows

    orders, cases = data.import_rows(world, m, now)
    rows = []
    for kind, items, copy in (("order", orders, baselines.copy_orders), ("case", cases, baselines.copy_cases)):
        _log(f"importing {m:,} {kind}s through import_rows")
        report = import_rows(world.bench, items, kind=kind, batch_size=batch_size)
        if report.rejected or report.imported[kind] != m:
            first = report.rejected[0].as_dict() if report.rejected else {}
            raise RuntimeError(f"the import refused rows it should take: {len(report.rejected)} rejected, "
                               f"first: {first}")
        ours = report.seconds
        _log(f"  {m / ours:,.0f} {kind}s/s; the same rows with raw SQL ...")
        raw = copy(world, batch_size)
        _log(f"  raw: {m / raw:,.0f} {kind}s/s")
        rows.append({"key": f"import_{kind}s", "kind": "rate", "unit": f"{kind}s/s",
                     "measure": f"import {m:,} {kind}s{' (setup for the cases)' if kind == 'order' else ''}",
                     "aftersales": {"per_second": m / ours, "seconds": ours},
                     "raw": {"per_second": m / raw, "seconds": raw}})
    return rows


def _percentiles(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))]
    return {"p50_ms": statistics.median(ms), "p95_ms": p95, "max_ms": ms[-1], "runs": len(ms)}


def _race(ours, raw, runs: int) -> tuple[dict, dict]:
    """Time both, alternating, after a warm-up of a few runs each."""
    for _ in range(5):
        ours()
        raw()
    a, b = [], []
    for _ in range(runs):
        t = time.perf_counter()
        ours()
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        raw()
        b.append(time.perf_counter() - t)
    return _percentiles(a), _percentiles(b)


def _queue(world, at, runs: int) -> list[dict]:
    from django.test import Client

    from aftersales.accounts.models import ApiToken
    from aftersales.api import queue
    from aftersales.api.cases import list_item
    from aftersales.benchmarks import baselines

    org = world.bench
    shop = world.shops["douyin"]
    state = "awaiting_seller_review"
    due_before = at + timedelta(hours=6)

    def page(**filters):
        def ours():
            rows, _ = queue.page(org, queue.QueueFilters(**filters))
            return [list_item(r) for r in rows]
        return ours

    def raw(**filters):
        text, params = baselines.queue_sql(org.pk, **filters)
        return lambda: baselines.run_query(text, params)

    _, token = ApiToken.issue(org, "bench")
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}

    def http():
        response = client.get("/api/v1/cases", headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET /api/v1/cases: {response.status_code} {response.content[:300]!r}")
        return response

    measures = [
        ("queue_first", "queue: first page, priority order (api.queue.page)", page(), raw()),
        ("queue_shop_state", f"queue: shop + state ({state})", page(shop=shop.pk, state=[state]),
         raw(shop_id=shop.pk, state=state)),
        ("queue_due", "queue: deadline_before now+6h", page(deadline_before=due_before), raw(due_before=due_before)),
        ("queue_first_http", "queue: first page, GET /api/v1/cases (test client)", http, raw()),
    ]
    rows = []
    for key, label, ours, baseline in measures:
        _log(f"{label}: {runs} runs each")
        a, b = _race(ours, baseline, runs)
        _log(f"  p95 {a['p95_ms']:.2f} ms, raw {b['p95_ms']:.2f} ms")
        rows.append({"key": key, "kind": "latency", "unit": "ms", "measure": label, "aftersales": a, "raw": b})
    return rows


def _sweep(at, profile_path: str | None) -> dict:
    from aftersales.benchmarks import dialect as sql
    from aftersales.benchmarks import sweep_sql
    from aftersales.cases.models import Case, Deadline, TimelineEvent
    from aftersales.cases.sweep import sweep
    from aftersales.notify.models import OutboxMessage

    _log("sweep: the set-based baseline (rolled back)")
    raw_seconds, raw_counts = sweep_sql.run(at)
    _log(f"  {raw_seconds:.2f} s: {raw_counts}")
    sql.vacuum([Case, Deadline, TimelineEvent, OutboxMessage])
    _log("sweep: cases.sweep.sweep")
    profiler = None
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    report = sweep(at)
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_path)
    counts = {k: v for k, v in report.as_dict().items() if k != "now"}
    _log(f"  {seconds:.2f} s: {counts}")
    return {"key": "sweep", "kind": "seconds", "unit": "s", "measure": "sweep (cases.sweep.sweep)",
            "aftersales": {"seconds": seconds, "counts": counts}, "raw": {"seconds": raw_seconds, "counts": raw_counts}}
