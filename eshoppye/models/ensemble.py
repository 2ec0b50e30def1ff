"""A set of saved models used together: load every model of a directory (fusion models attached
to their bases) and compute each model's probabilities on a frame, fusion models last, with NaN
rows where a model cannot speak (a text model on a row without text).

The prediction stage and the late-fusion model both run their models through :func:`model_probas`.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from eshoppye.errors import EshoppyeError


def attach_bases(model, available: dict, partial: bool = False) -> list[str]:
    """Attach a fusion model to its base models taken from ``available``; returns the names of the
    absent bases (then nothing is attached). With ``partial``, a model that can fuse a subset of
    its bases (``attach(..., partial=True)``) is attached to those present when at least one is;
    the absent ones are then not reported."""
    bases = model.params.get("bases", [])
    absent = [b for b in bases if b not in available]
    if partial and absent and len(absent) < len(bases):
        model.attach({b: available[b] for b in bases if b in available}, partial=True)
        return []
    if not absent:
        model.attach({b: available[b] for b in bases})
    return absent


def load_models(models_dir: Path | str, only: list[str] | None = None, with_dirs: bool = False,
                skip_fusion: bool = False):
    """Load every model under ``models_dir`` (each sub-directory with a ``model.json``).

    Fusion models are attached to the base models they were trained on. Each file is verified
    against its sha256 before loading.
    """
    from eshoppye.models.base import load_model, read_meta

    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        raise EshoppyeError(f"{models_dir}: dossier de modèles introuvable (lancez d'abord eshoppye train)")
    found = {}
    for sub in sorted(models_dir.iterdir()):
        if (sub / "model.json").is_file():
            found[read_meta(sub)["name"]] = sub
    wanted = set(only or found)
    fusion_wanted = [n for n in wanted if n.startswith("fusion-") and n in found and not skip_fusion]
    needed = set(wanted)
    for n in fusion_wanted:  # a fusion model needs its bases even if not asked for
        needed |= set(read_meta(found[n]).get("params", {}).get("bases", []))
    missing = sorted(n for n in wanted if n not in found)
    if only and missing:
        raise EshoppyeError(f"{models_dir}: modèle(s) absent(s): {', '.join(missing)}")
    models, dirs = {}, {}
    for name in sorted(needed, key=lambda n: n.startswith("fusion-")):
        if name not in found or (skip_fusion and name.startswith("fusion-")):
            continue
        models[name] = load_model(found[name])
        dirs[name] = found[name]
    for name in list(models):
        if hasattr(models[name], "attach"):
            absent = attach_bases(models[name], models)
            if absent:
                raise EshoppyeError(f"{name}: modèle(s) de base absent(s): {', '.join(absent)}")
    if not models:
        raise EshoppyeError(f"{models_dir}: aucun modèle trouvé (lancez d'abord eshoppye train)")
    return (models, dirs) if with_dirs else models


def has_text(frame: pd.DataFrame) -> np.ndarray:
    """True for the rows with a non-empty title or description (markup removed)."""
    from eshoppye.text import as_text, strip_html

    return np.array([bool(strip_html(as_text(t)).strip() or strip_html(as_text(d)).strip())
                     for t, d in zip(frame["designation"], frame["description"])], dtype=bool)


def model_probas(models: dict, frame: pd.DataFrame,
                 speaks: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Probabilities of every model for every row (NaN where a model cannot speak) and seconds.
    ``speaks``: :func:`has_text` of ``frame`` when the caller already has it."""
    if "image_path" not in frame:
        frame = frame.assign(image_path="")
    speaks = has_text(frame) if speaks is None else np.asarray(speaks, dtype=bool)
    text_rows = frame if speaks.all() else frame[speaks]  # one subset for every text model
    probas, seconds = {}, {}
    for name, model in sorted(models.items(), key=lambda kv: kv[0].startswith("fusion-")):
        t = time.perf_counter()
        if hasattr(model, "predict_proba_from"):
            p = model.predict_proba_from({b: probas[b] for b in model.params.get("bases", [])
                                          if b in probas}, frame)
        elif model.kind == "text":
            p = np.full((len(frame), len(model.classes_)), np.nan)
            if speaks.any():
                p[speaks] = model.predict_proba(text_rows)
        else:
            p = model.predict_proba(frame)
            if model.kind == "fusion":
                p[~speaks] = np.nan
        probas[name] = p
        seconds[name] = time.perf_counter() - t
    return probas, seconds
