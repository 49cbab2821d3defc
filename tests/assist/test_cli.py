"""`aftersales classify`: JSON Lines in, one JSON line out per line in; bad lines said on stderr
and answered with an error object, exit status 1."""

from __future__ import annotations

import json
import subprocess
import sys

RUN = [sys.executable, "-c", "from aftersales.cli import main; main()"]


def classify(stdin: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run([*RUN, "classify", *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_contract():
    lines = [{"id": "a", "text": "快递显示签收了但我没收到"}, {"id": 2, "text": "the dress runs two sizes small"},
             {"id": "e", "text": ""}, {"id": "big", "text": "耳机没声音" * 20_000},
             {"id": "mix", "text": "my 耳机 has no sound 😡"}]
    p = classify("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    assert p.returncode == 0, p.stderr
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 2, "e", "big", "mix"]
    assert all(set(o) == {"id", "problem_type", "urgency", "confidence"} for o in out)
    assert out[0]["problem_type"] == "not_received" and out[1]["problem_type"] == "size_fit"
    assert out[2] == {"id": "e", "problem_type": "other", "urgency": "normal", "confidence": 0.0}
    assert all(o["urgency"] in ("urgent", "normal") and 0 <= o["confidence"] <= 1 for o in out)


def test_bad_lines_are_reported_and_the_rest_still_answered():
    p = classify('{"id": 1, "text": "耳机没声音"}\nnot json\n[1, 2]\n{"id": 4}\n{"id": 5, "text": 7}\n')
    assert p.returncode == 1
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert out[0]["problem_type"] == "quality_defect"
    assert [o["error"]["code"] for o in out[1:]] == ["classify.bad_line"] * 4
    assert [o["line"] for o in out[1:]] == [2, 3, 4, 5] and out[3]["id"] == 4
    assert "line 2: not JSON" in p.stderr and 'line 4: "text" must be a string' in p.stderr


def test_bad_option_exits_2():
    assert classify("", "--nonsense").returncode == 2


def test_bench_without_data_file_says_so(tmp_path):
    p = subprocess.run([*RUN, "classify_bench", "--data", str(tmp_path / "none.jsonl")], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 2 and "no such file" in p.stderr


def test_bench_prints_the_table(tmp_path):
    data = tmp_path / "mini.jsonl"
    data.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in [
        {"text": "发票抬头要改成公司", "problem_type": "price_refund", "urgency": "normal", "lang": "zh"},
        {"text": "runs small", "problem_type": "size_fit", "urgency": "normal", "lang": "en"},
        {"text": "垃圾！明天要用！", "problem_type": "logistics_delay", "urgency": "urgent", "lang": "zh"},
    ]), encoding="utf-8")
    p = subprocess.run([*RUN, "classify_bench", "--data", str(data)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "macro-F1" in p.stdout and "1: n-grams + rules" in p.stdout and "load average" in p.stdout
