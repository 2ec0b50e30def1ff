"""ImageNet prior: what the backbone's own 1000-class classifier says about the 27 categories.

The EfficientNet-Lite weight file ships its ImageNet-1k classifier (``_fc``, a linear layer on
the 1280-d pooled features), trained on real photographs. This module owns the reviewed data
file ``eshoppye/resources/imagenet_categories.csv`` (one row per ImageNet class, in the
classifier's index order: ``index,wnid,name,prdtypecode,reason``; ``prdtypecode`` is one code,
several codes joined by ``|`` that share the class's probability equally, or empty when no
category sells that kind of object) and the pure numpy functions built on it:
:func:`imagenet_logits` (features -> 1000 logits, the classifier read from the same ``.pth``,
so no second backbone pass and no change to the feature cache), :func:`imagenet_prior`
(1000 probabilities -> a distribution over the 27 codes; the mass of unmapped classes is spread
by the categories' real-catalogue frequencies) and :func:`product_of_experts` (prior x
tempered head). Class names and wnids come from torchvision's ``_IMAGENET_CATEGORIES`` and
timm's ``imagenet_synsets.txt`` (the standard sorted-wnid order the classifier uses).
"""

from __future__ import annotations

import csv
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eshoppye.categories import CODES, TRAIN_COUNT
from eshoppye.errors import EshoppyeError

N_IMAGENET = 1000
MAPPING_FILE = Path(__file__).resolve().parent.parent / "resources" / "imagenet_categories.csv"
COLUMNS = ["index", "wnid", "name", "prdtypecode", "reason"]
#: Up to this many rows the classifier product avoids BLAS threading (see :func:`imagenet_logits`).
SMALL_BATCH = 16


@dataclass(frozen=True)
class ImagenetMapping:
    """The mapping as arrays: ``matrix[i, j]`` is the share of ImageNet class ``i`` given to
    ``codes[j]`` (rows sum to 1 for mapped classes, 0 for unmapped ones); ``smoothing`` (sums
    to 1) says where the probability of unmapped classes goes."""

    codes: tuple[int, ...]
    matrix: np.ndarray
    smoothing: np.ndarray
    names: tuple[str, ...]
    reasons: tuple[str, ...]
    sha256: str

    @property
    def mapped(self) -> np.ndarray:
        return self.matrix.sum(axis=1) > 0

    def classes_per_code(self) -> dict[int, float]:
        """How many ImageNet classes point to each code (shared classes count fractionally)."""
        return {c: float(self.matrix[:, j].sum()) for j, c in enumerate(self.codes)}


def frequency_smoothing(codes: tuple[int, ...] = CODES) -> np.ndarray:
    """Real-catalogue class frequencies of ``codes`` (categories.csv), normalised."""
    w = np.array([TRAIN_COUNT[c] for c in codes], dtype=np.float64)
    return w / w.sum()


_MAPPINGS: dict[tuple[str, int, int], ImagenetMapping] = {}
_LOCK = threading.Lock()


def load_mapping(path: Path | str | None = None) -> ImagenetMapping:
    """Read and validate the mapping file (1000 rows in index order, known codes, a reason for
    every mapped class). Any problem is one French line in an :class:`EshoppyeError`."""
    path = Path(path) if path else MAPPING_FILE
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
        with _LOCK:
            if key in _MAPPINGS:
                return _MAPPINGS[key]
        raw = path.read_bytes()
    except OSError:
        raise EshoppyeError(f"{path} : fichier de correspondance ImageNet introuvable") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EshoppyeError(f"{path} : fichier de correspondance ImageNet non UTF-8") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or rows[0] != COLUMNS:
        raise EshoppyeError(f"{path} : en-tête attendu « {','.join(COLUMNS)} »")
    body = rows[1:]
    if len(body) != N_IMAGENET:
        raise EshoppyeError(f"{path} : {N_IMAGENET} lignes attendues (une par classe ImageNet), {len(body)} trouvées")
    col = {c: i for i, c in enumerate(CODES)}
    matrix = np.zeros((N_IMAGENET, len(CODES)), dtype=np.float64)
    names, reasons = [], []
    for k, row in enumerate(body):
        line = k + 2
        if len(row) != len(COLUMNS):
            raise EshoppyeError(f"{path}, ligne {line} : {len(COLUMNS)} colonnes attendues, {len(row)} trouvées")
        index, _wnid, name, codes, reason = (v.strip() for v in row)
        if index != str(k):
            raise EshoppyeError(f"{path}, ligne {line} : index {index!r} au lieu de {k} (ordre du classifieur)")
        if codes:
            parts = codes.split("|")
            try:
                ints = [int(p) for p in parts]
            except ValueError:
                raise EshoppyeError(f"{path}, ligne {line} : code prdtypecode invalide {codes!r}") from None
            unknown = [c for c in ints if c not in col]
            if unknown or len(set(ints)) != len(ints):
                raise EshoppyeError(f"{path}, ligne {line} : code(s) inconnu(s) ou répété(s) {codes!r}")
            if not reason:
                raise EshoppyeError(f"{path}, ligne {line} : la classe « {name} » est associée sans raison")
            for c in ints:
                matrix[k, col[c]] = 1.0 / len(ints)
        names.append(name)
        reasons.append(reason)
    mapping = ImagenetMapping(CODES, matrix, frequency_smoothing(CODES), tuple(names), tuple(reasons),
                              hashlib.sha256(raw).hexdigest())
    with _LOCK:
        _MAPPINGS[key] = mapping
    return mapping


def softmax(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def imagenet_prior(probs: np.ndarray, mapping: ImagenetMapping, codes=None) -> np.ndarray:
    """``(n, 1000)`` ImageNet probabilities -> ``(n, len(codes))`` category prior.

    Each code gets the probability of the classes mapped to it (shared classes split equally);
    the probability left on unmapped classes is spread with ``mapping.smoothing``. ``codes``
    (default: the mapping's 27) selects and renormalises columns, e.g. a model's ``classes_``.
    Rows with NaN stay NaN.
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] != N_IMAGENET:
        raise EshoppyeError(f"prior ImageNet : tableau (n, {N_IMAGENET}) attendu, {probs.shape} reçu")
    mapped = probs @ mapping.matrix
    rest = np.clip(1.0 - mapped.sum(axis=1, keepdims=True), 0.0, None)
    prior = mapped + rest * mapping.smoothing[None, :]
    if codes is not None:
        index = {c: j for j, c in enumerate(mapping.codes)}
        missing = [int(c) for c in codes if int(c) not in index]
        if missing:
            raise EshoppyeError(f"prior ImageNet : codes inconnus {missing}")
        prior = prior[:, [index[int(c)] for c in codes]]
        prior = prior / prior.sum(axis=1, keepdims=True)
    return prior


def product_of_experts(prior: np.ndarray, head: np.ndarray, head_weight: float) -> np.ndarray:
    """``p ∝ prior * head ** head_weight``, row-normalised (NaN rows stay NaN).

    ``head_weight`` < 1 tempers a head whose confidence does not transfer to real photos; a
    uniform head leaves the prior unchanged and a flat prior leaves the head's ranking.
    """
    logp = np.log(np.clip(prior, 1e-12, None)) + float(head_weight) * np.log(np.clip(head, 1e-12, None))
    return softmax(logp)


def gated_product(prior: np.ndarray, head: np.ndarray, gate: np.ndarray, head_weight: float,
                  prior_weight_in_domain: float = 0.5) -> np.ndarray:
    """Product of experts whose exponents follow ``gate`` (per row, 0 = far from the head's
    training pictures, 1 = like them): ``log p = a * log prior + b * log head`` with
    ``a = 1 - gate * (1 - prior_weight_in_domain)`` and ``b = head_weight + gate * (1 - head_weight)``.

    Out of domain the prior dominates (``prior * head ** head_weight``); on pictures like the
    training ones the head speaks at full weight and the prior is softened.
    """
    g = np.clip(np.asarray(gate, dtype=np.float64), 0.0, 1.0)[:, None]
    a = 1.0 - g * (1.0 - float(prior_weight_in_domain))
    b = float(head_weight) + g * (1.0 - float(head_weight))
    logp = a * np.log(np.clip(prior, 1e-12, None)) + b * np.log(np.clip(head, 1e-12, None))
    return softmax(logp)


def domain_similarity(features: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Largest cosine similarity between each feature row and the per-class centroids of the
    head's training features: how much a picture looks like what the head was trained on."""
    f = np.asarray(features, dtype=np.float64)
    f = f / np.clip(np.linalg.norm(f, axis=1, keepdims=True), 1e-12, None)
    c = np.asarray(centroids, dtype=np.float64)
    c = c / np.clip(np.linalg.norm(c, axis=1, keepdims=True), 1e-12, None)
    return (f @ c.T).max(axis=1)


def domain_gate(similarity: np.ndarray, low: float, high: float) -> np.ndarray:
    """0 at or below ``low``, 1 at or above ``high``, linear in between."""
    span = max(float(high) - float(low), 1e-6)
    return np.clip((np.asarray(similarity, dtype=np.float64) - float(low)) / span, 0.0, 1.0)


# -- the classifier of the backbone's weight file ----------------------------------------------

_CLASSIFIERS: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def imagenet_classifier(variant: str = "lite0") -> tuple[np.ndarray, np.ndarray]:
    """``(W, b)`` of the ImageNet classifier in the variant's ``.pth``: ``logits = feats @ W + b``,
    ``W`` is ``(1280, 1000)``. Read once per process with the safe state-dict reader."""
    with _LOCK:
        if variant in _CLASSIFIERS:  # the weight file of an installed package does not change
            return _CLASSIFIERS[variant]
    from eshoppye.image.efficientnet_lite import locate_weights
    from eshoppye.image.torch_weights import read_torch_state_dict

    pth = locate_weights(variant)
    state = read_torch_state_dict(pth)
    if "_fc.weight" not in state or "_fc.bias" not in state:
        raise EshoppyeError(f"{pth} : classifieur ImageNet (_fc) absent du fichier de poids")
    w = np.ascontiguousarray(state["_fc.weight"].T, dtype=np.float32)
    b = np.asarray(state["_fc.bias"], dtype=np.float32)
    if w.shape[1] != N_IMAGENET or b.shape != (N_IMAGENET,):
        raise EshoppyeError(f"{pth} : classifieur ImageNet de forme inattendue {w.shape}")
    with _LOCK:
        _CLASSIFIERS[variant] = (w, b)
    return w, b


def imagenet_logits(features: np.ndarray, variant: str = "lite0") -> np.ndarray:
    """1000 ImageNet logits from the 1280-d pooled features (the backbone's own top layer)."""
    w, b = imagenet_classifier(variant)
    feats = np.asarray(features, dtype=np.float32)
    if feats.ndim != 2 or feats.shape[1] != w.shape[0]:
        raise EshoppyeError(f"logits ImageNet : features (n, {w.shape[0]}) attendues, {feats.shape} reçues")
    if len(feats) <= SMALL_BATCH:
        # a few rows (an upload in the app): numpy's own loop, not a multithreaded BLAS call whose
        # threads cost ~30x more than the product itself on a busy 2-core machine
        return np.einsum("ij,jk->ik", feats, w) + b
    return feats @ w + b


def prior_from_features(features: np.ndarray, mapping: ImagenetMapping | None = None, codes=None,
                        variant: str = "lite0") -> np.ndarray:
    """Category prior of backbone features (NaN rows stay NaN)."""
    mapping = mapping or load_mapping()
    feats = np.asarray(features, dtype=np.float32)
    n_codes = len(codes) if codes is not None else len(mapping.codes)
    out = np.full((len(feats), n_codes), np.nan)
    ok = np.isfinite(feats).all(axis=1) if feats.ndim == 2 else np.zeros(len(feats), bool)
    if ok.any():
        out[ok] = imagenet_prior(softmax(imagenet_logits(feats[ok], variant)), mapping, codes)
    return out
