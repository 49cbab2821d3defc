"""Urgency from the buyer's own words: anger, a threat of complaint or bad review, pushy
repetition, or a time-critical need.  Rules, not a model: every verdict carries the words that
triggered it, in a sentence for the agent (zh and en).

Pure Python, no Django import.  The word lists were tuned against the measuring set's urgency
labels (shared/data/classify/README.md, "Urgency"); a calm "disappointed" stays normal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (signal, zh reason, en reason, pattern)
_SIGNALS: tuple[tuple[str, str, str, re.Pattern], ...] = (
    ("threat", "威胁投诉或差评", "threatens a complaint or bad review", re.compile(
        r"投诉|差评|12315|消协|消费者协会|工商|曝光|媒体|报警|警察|律师|起诉|法院|维权|举报|黑猫|市场监管"
        r"|\b(?:report(?:ing)? (?:you|this|it)|chargeback|dispute|lawyer|sue|legal action|bbb|bad review"
        r"|1[- ]star review|negative review|complain(?:t)? to)\b", re.I)),
    ("anger", "买家很生气", "the buyer is angry", re.compile(
        r"垃圾|骗子|骗人|坑人|忽悠|什么破|太差劲|什么服务|气死|无语|恶心|欺骗|退钱|滚|妈的|他妈|tm的|尼玛"
        r"|扯淡|什么速度|劣质|太坑|套路|砸了|眼瞎|好失望|太差|都这么差|什么都没帮|狗血|还要等多久|不要脸|坑爹|破玩意|耍我|敷衍|搞什么|什么态度|太过分|过分了|受够"
        r"|\b(?:scam|scammer|fraud|unacceptable|disgusting|furious|outrageous|worst service"
        r"|what kind of service|rip[- ]?off|pathetic|wtf|fed up|sick of)\b", re.I)),
    ("time", "时间紧急", "time-critical need", re.compile(
        r"(?<!急事)(?<!有点)急(?!事)|马上要|要拿到|来的及|来得及|等不了|回老家|\d+[日号]要用|日要用|就离开|不在这|最多等到|今天要用|明天要用|今天必须|明天必须|赶时间|等着用|出国|出远门|旅行|旅游|搬家|生日|婚礼|考试"
        r"|医院|生病|住院|过期|会坏|化了|赶紧"
        r"|\b(?:urgent(?:ly)?|asap|as soon as possible|right now|immediately|need it (?:by|today|tomorrow)"
        r"|by tomorrow|by friday|for (?:a|my) (?:wedding|trip|birthday|flight)|travel(?:l?ing)?|deadline)\b", re.I)),
    ("marks", "大量感叹号或问号", "many exclamation or question marks", re.compile(r"[!！]{4,}|[?？]{4,}")),
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[\w\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    signals: tuple[str, ...]          # "threat", "anger", "time", "marks", "repeat"
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]
    words: tuple[str, ...]            # what triggered it, as the buyer wrote it

    @property
    def label(self) -> str:
        return "urgent" if self.urgent else "normal"


def _repeats(text: str) -> bool:
    """The same demand three times or more (a pasted message, "在吗 在吗 在吗")."""
    # System lines the chat tool adds ("订单金额:[金额x]") and single English words do not count.
    parts = [p.strip() for p in re.split(r"[\s。！!？?，,；;]+", text)
             if len(p.strip()) >= 6 and not re.search(r"[:：\[\]]", p) and _CJK.search(p)]
    seen: dict[str, int] = {}
    for p in parts:
        seen[p] = seen.get(p, 0) + 1
        if seen[p] >= 3:
            return True
    return False


def assess(text: str, earlier: tuple[str, ...] = ()) -> Urgency:
    """Urgency of one buyer message; `earlier` are the buyer's previous messages on the case, so
    that asking the same thing again counts as repetition."""
    text = (text or "")[:5000]
    signals, zh, en, words = [], [], [], []
    for name, rzh, ren, pattern in _SIGNALS:
        hits = pattern.findall(text)
        if hits:
            signals.append(name)
            zh.append(rzh)
            en.append(ren)
            words.extend(h for h in dict.fromkeys(hits) if isinstance(h, str))
    again = _repeats(text) or (bool(text.strip()) and sum(
        1 for e in earlier if e.strip() and _similar(e, text)) >= 1)
    if again:
        signals.append("repeat")
        zh.append("反复催促同一件事")
        en.append("repeats the same request")
    return Urgency(bool(signals), tuple(signals), tuple(zh), tuple(en), tuple(words[:6]))


def _similar(a: str, b: str) -> bool:
    wa, wb = set(_bigrams(a)), set(_bigrams(b))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def _bigrams(text: str) -> list[str]:
    s = "".join(_WORD.findall(text.lower()))
    return [s[i:i + 2] for i in range(len(s) - 1)]
