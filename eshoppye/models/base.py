"""The model contract and the safe on-disk format shared by every model.

Every model follows the scikit-learn contract:

* ``fit(X, y, progress=...)`` where ``X`` is a :class:`pandas.DataFrame` with the columns ``designation``,
  ``description`` (may be empty) and, for models that look at pictures, ``image_path``
  (a path or empty), and ``y`` holds integer ``prdtypecode`` values;
* ``predict_proba(X)`` returns an ``(n, len(classes_))`` float array; a model that cannot speak
  for a row (an image model for a product without a usable image) returns a row of NaN;
* ``classes_`` is the sorted integer array of codes.

A model is saved as a directory holding ``model.json`` (name, kind, class, version, classes,
parameters, data fingerprint, split, and the sha256 and size of every other file) and its
weights as ``.npz``, ``.json``, ``.keras`` or ``.weights.h5``. Nothing is ever pickled:
:func:`load_model` verifies every file against ``model.json`` before reading it and only
instantiates classes registered with :func:`register`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from eshoppye.errors import EshoppyeError

MODEL_FILE = "model.json"
FORMAT_VERSION = 1
_REGISTRY: dict[str, type["Model"]] = {}


def register(cls: type["Model"]) -> type["Model"]:
    """Class decorator: allow ``load_model`` to instantiate this class."""
    _REGISTRY[cls.__name__] = cls
    return cls


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


class Model:
    """Base class: bookkeeping, save/load. Subclasses implement fit/predict_proba and
    ``_save_weights(directory) -> list[str]`` / ``_load_weights(directory)``."""

    name: ClassVar[str] = "model"
    kind: ClassVar[str] = "text"  # text | image | fusion
    version: ClassVar[str] = "1.0.0"

    def __init__(self, **params: Any):
        self.params: dict[str, Any] = dict(params)
        self.classes_: np.ndarray | None = None
        self.info: dict[str, Any] = {}  # data_fingerprint, split, train_seconds... set by train

    # -- contract ---------------------------------------------------------------------------
    def fit(self, X, y, progress: bool = False) -> "Model":  # pragma: no cover - abstract
        """Learn from ``X`` and ``y``; ``progress`` shows progress bars on long steps."""
        raise NotImplementedError

    def predict_proba(self, X) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, X) -> np.ndarray:
        return self.codes_from(self.predict_proba(X))

    def codes_from(self, proba: np.ndarray) -> np.ndarray:
        """The most probable code of each row of ``proba``, -1 where the model could not speak (NaN)."""
        out = np.full(len(proba), -1, dtype=np.int64)
        ok = ~np.isnan(proba).any(axis=1)
        out[ok] = self.classes_[proba[ok].argmax(axis=1)]
        return out

    def _check_fitted(self) -> None:
        if self.classes_ is None:
            raise EshoppyeError(f"le modèle {self.name} n'est pas entraîné (model not fitted)")

    # -- persistence ------------------------------------------------------------------------
    def _save_weights(self, directory: Path) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load_weights(self, directory: Path) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def save(self, directory: Path | str) -> Path:
        """Write the model to ``directory`` (created) and return the ``model.json`` path."""
        self._check_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        files = self._save_weights(directory)
        meta = {
            "format": FORMAT_VERSION,
            "name": self.name,
            "kind": self.kind,
            "class": type(self).__name__,
            "version": self.version,
            "classes": [int(c) for c in self.classes_],
            "params": self.params,
            "info": self.info,
            "created": self.info.get("created")
            or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
            "files": {
                f: {"sha256": sha256_file(directory / f), "size": (directory / f).stat().st_size}
                for f in sorted(files)
            },
        }
        path = directory / MODEL_FILE
        path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


#: The only weight formats ever read (none can carry code): see :func:`load_model`.
SAFE_SUFFIXES = (".json", ".npz", ".weights.h5")


def read_meta(directory: Path | str) -> dict[str, Any]:
    """Read and sanity-check ``model.json`` of a model directory."""
    path = Path(directory) / MODEL_FILE
    if not path.is_file():
        raise EshoppyeError(f"{path}: fichier de modèle introuvable (model.json missing)")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EshoppyeError(f"{path}: model.json illisible ({exc.__class__.__name__})") from None
    for key in ("name", "class", "classes", "files"):
        if key not in meta:
            raise EshoppyeError(f"{path}: champ '{key}' absent de model.json")
    return meta


def verify_files(directory: Path | str, meta: dict[str, Any] | None = None) -> None:
    """Check every file listed in ``model.json`` against its sha256 and size."""
    directory = Path(directory)
    meta = meta or read_meta(directory)
    for fname, spec in meta["files"].items():
        p = directory / fname
        if Path(fname).is_absolute() or ".." in Path(fname).parts:
            raise EshoppyeError(f"{directory / MODEL_FILE}: chemin de fichier refusé: {fname}")
        if not p.is_file():
            raise EshoppyeError(f"{p}: fichier du modèle manquant")
        if p.stat().st_size != spec.get("size", p.stat().st_size) or sha256_file(p) != spec["sha256"]:
            raise EshoppyeError(f"{p}: empreinte sha256 incorrecte, fichier corrompu ou modifié")


# Registry name -> class name (the class name is what model.json records: keep both stable).
MODEL_CLASSES = {
    "text-tfidf": "TfidfTextModel",
    "text-bilstm": "BiLSTMTextModel",
    "text-embed": "EmbedTextModel",
    "text-conv1d": "Conv1DTextModel",
    "text-lstm": "LSTMTextModel",
    "text-gru": "GRUTextModel",
    "image-effnet": "ImageEffnetModel",
    "fusion-late": "LateFusionModel",
    "fusion-concat": "ConcatFusionModel",
}


def create(name: str, **params) -> Model:
    """A new, unfitted model by its registry name (``text-tfidf``, ...)."""
    cls = _REGISTRY.get(MODEL_CLASSES.get(name, ""))
    if cls is None:
        raise EshoppyeError(f"modèle inconnu ou indisponible: {name}")
    return cls(**params)


def load_model(directory: Path | str) -> Model:
    """Load a saved model after verifying every file's sha256. Never unpickles anything."""
    directory = Path(directory)
    meta = read_meta(directory)
    cls = _REGISTRY.get(meta["class"])  # importing any eshoppye.models module registered them all
    if cls is None:
        raise EshoppyeError(f"{directory / MODEL_FILE}: classe de modèle inconnue '{meta['class']}'")
    for fname in meta["files"]:
        if not str(fname).endswith(SAFE_SUFFIXES):
            raise EshoppyeError(f"{directory / fname}: format de fichier refusé (seuls "
                                f"{', '.join(SAFE_SUFFIXES)} sont lus; rien n'a été exécuté)")
    verify_files(directory, meta)
    model = cls.__new__(cls)
    try:
        Model.__init__(model, **meta.get("params", {}))
        model.classes_ = np.asarray(meta["classes"], dtype=np.int64)
        model.info = meta.get("info", {})
        model._load_weights(directory)
    except EshoppyeError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a crafted or damaged file is refused in one line
        detail = " ".join(str(exc).split())[:160]
        raise EshoppyeError(f"{directory}: fichiers du modèle refusés ou illisibles "
                            f"({exc.__class__.__name__}: {detail})") from None
    return model


def save_json(path: Path, obj: Any) -> None:
    Path(path).write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def load_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_npz(path: Path) -> dict[str, np.ndarray]:
    """Read an ``.npz`` with ``allow_pickle=False``: object arrays and pickles (even renamed
    ``.npz``) are refused in one French line, nothing is unpickled."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if not hasattr(z, "files"):
                raise EshoppyeError(f"{path}: pas une archive .npz (tableau seul), fichier refusé")
            return {k: z[k] for k in z.files}
    except EshoppyeError:
        raise
    except ValueError as exc:
        why = "pickle" if "pickle" in str(exc).lower() or "object" in str(exc).lower() else "format"
        raise EshoppyeError(f"{path}: fichier .npz refusé ({'contenu pickle ou tableau d’objets, jamais lu' if why == 'pickle' else 'format invalide'})") from None
    except (OSError, EOFError, KeyError) as exc:
        raise EshoppyeError(f"{path}: fichier .npz illisible ({exc.__class__.__name__})") from None


# -- probability helpers shared by the models ---------------------------------------------------

def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64) / float(temperature)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, y_idx: np.ndarray) -> float:
    """Scalar temperature minimising the negative log-likelihood of ``softmax(logits / T)``.

    A 1-D search on a log grid, refined once: deterministic and dependency-free.
    """
    logits = np.asarray(logits, dtype=np.float64)
    y_idx = np.asarray(y_idx)

    def nll(t: float) -> float:
        p = softmax(logits, t)[np.arange(len(y_idx)), y_idx]
        return float(-np.log(np.clip(p, 1e-12, None)).mean())

    grid = np.exp(np.linspace(np.log(0.02), np.log(50.0), 81))
    best = grid[int(np.argmin([nll(t) for t in grid]))]
    fine = best * np.exp(np.linspace(-0.12, 0.12, 25))
    return float(fine[int(np.argmin([nll(t) for t in fine]))])


def class_index(classes: np.ndarray, y) -> np.ndarray:
    """Positions of labels ``y`` in ``classes`` (both integer codes)."""
    return np.searchsorted(classes, np.asarray(y, dtype=np.int64))


def text_columns(X) -> tuple[list[str], list[str]]:
    """The raw ``designation`` and ``description`` columns of a frame as lists of str."""
    from eshoppye.text import as_text

    titles = [as_text(v) for v in X["designation"]] if "designation" in X else [""] * len(X)
    descs = [as_text(v) for v in X["description"]] if "description" in X else [""] * len(X)
    return titles, descs
