"""Features of a message for the first-stage linear model: character 1-3-grams and word tokens
(rjieba for Chinese, plain words for other scripts), hashed into a fixed number of columns.

No Django and no scikit-learn here, so that `aftersales classify` starts fast: the hashing is
zlib.crc32 (stable across processes and platforms, unlike hash()), and training builds its matrix
with the same function.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter

N_FEATURES = 1 << 16
MAX_CHARS = 2000          # a long message is cut: its first part decides (and 100 KB stays fast)
_MASK = re.compile(r"\[[^\]\s]{1,12}x\]|\d+")     # order numbers, amounts, masked fields -> one token
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[a-z']+|[\u4e00-\u9fff]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")

_jieba = None


def _cut(text: str) -> list[str]:
    global _jieba
    if _jieba is None:
        try:
            import rjieba as _j
            _jieba = _j.cut
        except ImportError:  # pragma: no cover - rjieba is a dependency; jieba works the same
            import jieba as _j
            _jieba = _j.lcut
    return _jieba(text)


def normalise(text: str) -> str:
    text = (text or "")[:MAX_CHARS].lower()
    text = _MASK.sub("0", text)
    return _SPACE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Feature names of one (normalised) text."""
    out = []
    padded = f" {text} "
    for n in (1, 2, 3):
        out.extend("c" + padded[i:i + n] for i in range(len(padded) - n + 1))
    for chunk in _WORDS.findall(text):
        if _CJK.match(chunk):
            out.extend("w" + w for w in _cut(chunk) if len(w) > 1)
        else:
            out.append("w" + chunk)
    return out


def hashed(text: str) -> dict[int, float]:
    """Column -> value (sub-linear counts, L2-normalised) of one raw text."""
    counts = Counter(zlib.crc32(t.encode()) % N_FEATURES for t in tokens(normalise(text)))
    if not counts:
        return {}
    vals = {k: 1.0 + (0.0 if v == 1 else math.log(v)) for k, v in counts.items()}
    norm = sum(v * v for v in vals.values()) ** 0.5
    return {k: v / norm for k, v in vals.items()}


def language(text: str) -> str:
    """"zh" when a fifth or more of the letters are Chinese, else "en"."""
    letters = [c for c in (text or "")[:MAX_CHARS] if c.isalpha()]
    if not letters:
        return "zh"
    cjk = sum(1 for c in letters if _CJK.match(c))
    return "zh" if cjk * 5 >= len(letters) else "en"
