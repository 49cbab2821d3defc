"""The training examples the project writes itself (zh.json, en.json: short phrases per problem
type, in the buyers' words), composed into whole messages the way buyers write them: a greeting or
an order number first, one or two phrases of the problem, chat fillers around them.  Deterministic
(a fixed seed), so that `aftersales retrain --base` rebuilds the shipped model exactly.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
PER_TYPE = 260     # composed messages per type and language

_OPEN = {
    "zh": ["", "", "", "您好", "你好", "在吗", "在吗？", "亲", "客服你好", "订单号 12345678", "咨询订单号:12345678",
           "你好，我想问一下", "麻烦问下", "请问", "我之前买的", "我买的这个", "你好 我的订单"],
    "en": ["", "", "", "Hi,", "Hello.", "I ordered this last week.", "I really wanted to love this.",
           "I bought this for my daughter.", "Order #1234:", "Unfortunately", "I was so excited about this,",
           "Ordered in my usual size.", "Beautiful color, but"],
}
_FILL = {
    "zh": ["好的", "谢谢", "嗯嗯", "好吧", "是的", "对", "麻烦你了", "没有了", "可以", "哦哦", "明白了", "稍等", "谢谢您",
           "那怎么办", "帮我看一下", "好的谢谢"],
    "en": ["thanks", "please help", "so disappointed", "returning it", "not happy", "i love the brand", "sadly",
           "what can you do?", "the color is pretty", "would not recommend", "going back", ""],
}


def phrases(language: str) -> dict[str, list[str]]:
    return json.loads((HERE / f"{language}.json").read_text(encoding="utf-8"))


def compose(seed: int = 5) -> list[tuple[str, str, str]]:
    """(text, problem_type, language) for every type and language."""
    rng = random.Random(seed)
    out = []
    for language in ("zh", "en"):
        table = phrases(language)
        for kind, own in table.items():
            for i in range(PER_TYPE):
                core = [own[i % len(own)]]
                if rng.random() < 0.4:
                    core.append(rng.choice(own))
                parts = [rng.choice(_OPEN[language])] + core
                for _ in range(rng.choice((0, 0, 1, 2, 3))):
                    parts.insert(rng.randint(1, len(parts)), rng.choice(_FILL[language]))
                sep = " " if language == "en" or rng.random() < 0.6 else "，"
                out.append((sep.join(p for p in parts if p), kind, language))
            out.extend((p, kind, language) for p in own)   # every phrase alone too
    return out
