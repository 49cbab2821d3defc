"""`aftersales classify` and `aftersales classify_bench`, runnable without setting Django up
(aftersales/cli.py hands these two names straight here, so the first answer comes in a fraction
of a second).

classify: one JSON object per line on standard input, {"id": ..., "text": "..."}; one line out
per line in, in order: {"id", "problem_type", "urgency", "confidence"}.  A line that is not a JSON
object with a string "text" is answered with {"id": <its id or null>, "line": n, "error": {"code":
"classify.bad_line", "message": ...}} and the same message on standard error; the other lines
are still classified, and the exit status is 1 when any line was bad (2 for bad options).
Empty text is classified "other" with confidence 0.  Text is read up to its first 2,000
characters (a 100 KB message costs the same as a short one).
"""

from __future__ import annotations

import argparse
import json
import sys

BATCH = 256


def classify_arguments(parser) -> None:
    parser.add_argument("--no-embeddings", action="store_true", help="stage one only (fastest)")
    parser.add_argument("--thorough", action="store_true", help="ask the embeddings more often (slower, a little better)")
    parser.add_argument("--organisation", help="use this organisation's own model (needs the database)")


def bench_arguments(parser) -> None:
    parser.add_argument("--data", required=True, help="labelled JSON Lines (text, problem_type, urgency, lang)")


def _model(options):
    from aftersales.assist import classifier

    if options.get("organisation"):
        import django

        django.setup()
        from aftersales.accounts.models import Organisation
        from aftersales.assist.services import model_for

        org = Organisation.objects.filter(slug=options["organisation"]).first()
        if org is None:
            print(f"classify: no organisation {options['organisation']!r}", file=sys.stderr)
            raise SystemExit(2)
        return model_for(org.pk)
    return classifier.default_model()


def classify(options, stdin=None, stdout=None, stderr=None) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    model = _model(options)
    use_two = not options.get("no_embeddings")
    bad = 0
    pending: list[tuple[object, str]] = []

    def flush():
        results = model.classify([t for _, t in pending], use_stage_two=use_two, thorough=bool(options.get("thorough")))
        for (ident, _), r in zip(pending, results):
            stdout.write(json.dumps({"id": ident, **r.as_dict()}, ensure_ascii=False) + "\n")
        pending.clear()
        stdout.flush()

    for n, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        ident, problem = None, ""
        try:
            row = json.loads(line)
        except ValueError as e:
            problem = f"not JSON ({e.msg} at column {e.colno})"
        else:
            if not isinstance(row, dict):
                problem = "not a JSON object"
            else:
                ident = row.get("id")
                if not isinstance(row.get("text"), str):
                    problem = '"text" must be a string'
        if problem:
            bad += 1
            flush() if pending else None
            print(f"classify: line {n}: {problem}", file=stderr)
            stdout.write(json.dumps({"id": ident, "line": n, "error": {"code": "classify.bad_line",
                                                                      "message": problem}}) + "\n")
            continue
        pending.append((ident, row["text"]))
        if len(pending) >= BATCH:
            flush()
    if pending:
        flush()
    return 1 if bad else 0


def bench(options) -> int:
    from aftersales.assist import bench as b

    try:
        b.run(options["data"])
    except FileNotFoundError:
        print(f"classify_bench: no such file {options['data']!r}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str]) -> None:
    name, rest = argv[0], argv[1:]
    parser = argparse.ArgumentParser(prog=f"aftersales {name}")
    (classify_arguments if name == "classify" else bench_arguments)(parser)
    options = vars(parser.parse_args(rest))
    raise SystemExit(classify(options) if name == "classify" else bench(options))
