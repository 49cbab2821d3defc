"""The goals, and the result as a table or JSON.

A ratio is always "how many times the raw-SQL baseline's cost": seconds over seconds, or the
baseline's rate over ours, or p95 over p95.  1.0x means no overhead at all.
"""

from __future__ import annotations

import json

IMPORT_RATE_GOAL = 2000        # cases per second
IMPORT_RATIO_GOAL = 5.0
QUEUE_P95_GOAL_MS = 30.0       # on PostgreSQL at 1,000,000 cases
QUEUE_GOAL_CASES = 1_000_000
SWEEP_RATIO_GOAL = 3.0

COLUMNS = ("measure", "aftersales", "raw SQL", "ratio", "goal", "met?")


def judge(result: dict) -> None:
    """Fill in each row's ratio, goal and whether it is met.  `applies` is False where the goal
    is stated for another setting (the queue's is for PostgreSQL at 1M cases): the row is still
    judged, and the table puts the verdict in brackets."""
    pg = result["database"].startswith("PostgreSQL")
    for row in result["rows"]:
        a, r = row["aftersales"], row["raw"]
        kind = row["kind"]
        if kind == "rate":
            row["ratio"] = r["per_second"] / a["per_second"] if a["per_second"] else None
        elif kind == "latency":
            row["ratio"] = a["p95_ms"] / r["p95_ms"] if r["p95_ms"] else None
        else:
            row["ratio"] = a["seconds"] / r["seconds"] if r["seconds"] else None
        row["applies"] = True
        key = row["key"]
        if key == "import_cases":
            row["goal"] = f">= {IMPORT_RATE_GOAL:,} cases/s and <= {IMPORT_RATIO_GOAL:g}x raw"
            row["met"] = a["per_second"] >= IMPORT_RATE_GOAL and (row["ratio"] or 0) <= IMPORT_RATIO_GOAL
            row["applies"] = result["import_cases"] >= 100_000
        elif kind == "latency":
            row["goal"] = f"p95 < {QUEUE_P95_GOAL_MS:g} ms (PostgreSQL, 1M cases)"
            row["met"] = a["p95_ms"] < QUEUE_P95_GOAL_MS
            row["applies"] = pg and result["cases"] >= QUEUE_GOAL_CASES
        elif key == "sweep":
            row["goal"] = f"<= {SWEEP_RATIO_GOAL:g}x raw"
            row["met"] = row["ratio"] is not None and row["ratio"] <= SWEEP_RATIO_GOAL
            row["applies"] = result["cases"] >= QUEUE_GOAL_CASES
        else:
            row["goal"], row["met"] = "-", None


def _cell(row: dict, side: str) -> str:
    v = row[side]
    if row["kind"] == "rate":
        return f"{v['per_second']:,.0f} {row['unit']} ({v['seconds']:.1f} s)"
    if row["kind"] == "latency":
        return f"p50 {v['p50_ms']:.2f} / p95 {v['p95_ms']:.2f} ms"
    return f"{v['seconds']:.2f} s"


def _met(row: dict) -> str:
    if row["met"] is None:
        return "-"
    word = "yes" if row["met"] else "NO"
    return word if row["applies"] else f"({word})"


def table(result: dict) -> str:
    body = [(row["measure"], _cell(row, "aftersales"), _cell(row, "raw"),
             f"{row['ratio']:.1f}x" if row["ratio"] is not None else "-", row["goal"], _met(row))
            for row in result["rows"]]
    widths = [max(len(str(x)) for x in col) for col in zip(COLUMNS, *body)]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    machine = result["machine"]
    head = (f"aftersales bench: {result['database']}, N = {result['cases']:,} cases "
            f"({result['open_cases']:,} open), M = {result['import_cases']:,} imported cases")
    where = (f"machine: {machine['cores']} cores, {machine['memory_gib']} GiB, {machine['system']}, "
             f"Python {machine['python']}; load average {machine.get('load_before')} before, "
             f"{machine.get('load_after')} after; started {result['started_at']}; took {result['seconds']:.0f} s "
             f"(filling to N: {result['fill']['seconds']:.0f} s, not measured); code {result.get('code', 'unknown')}")
    out = [head, where, "", line(COLUMNS), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(cells) for cells in body]
    out += ["", ("ratio: times the raw-SQL baseline's cost (1.0x = no overhead); (yes)/(NO): judged, but the goal "
                 "is stated for another setting")]
    sweep = next((r for r in result["rows"] if r["key"] == "sweep"), None)
    if sweep:
        a, r = sweep["aftersales"]["counts"], sweep["raw"]["counts"]
        out += ["", (f"sweep at {result['sweep_at']} over {result['open_cases']:,} open cases, "
                     f"{result['open_deadlines']:,} open deadlines; rows changed (aftersales / raw SQL):")]
        out += [f"  {k:<10} {a.get(k, 0):>9,} / {r.get(k, 0):<9,}" for k in ("warned", "lapsed", "breached",
                                                                            "applied", "rescored", "failed")
                if k in a or k in r]
        out += ["  fill mix (share of the filled open cases):"]
        out += [f"    {line_}" for line_ in result["fill"]["mix_words"]]
    for note in result.get("notes", []):
        out.append(f"note: {note}")
    return "\n".join(out)


def as_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2, default=str)
