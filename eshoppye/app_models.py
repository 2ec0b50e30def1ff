"""Loading the app's models in two stages, without Streamlit: :func:`load_app_models` resolves the
manifest's text models (and fusion-late, attached to them) through :mod:`eshoppye.registry`
(cache, bundled copy or download), loads and warms them up; :func:`complete_app_models` adds the
image stack (image-effnet, fusion-concat, TensorFlow) when a first photo arrives. A broken image
model is reported and the text models keep deciding. TensorFlow is never imported here.
"""

from __future__ import annotations

import gc
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from eshoppye import config
from eshoppye.app_state import models_dir
from eshoppye.errors import EshoppyeError
from eshoppye.explore import ProgressFn, no_progress


@dataclass
class LoadedModels:
    """The models of the app and where each came from."""

    models: dict[str, Any]
    info: list[dict[str, Any]]  # name, kind, version, origin, path, data_fingerprint
    source: str  # manifest origin or models directory
    problems: list[str] = field(default_factory=list)  # models that could not be loaded
    seconds: float = 0.0
    pending: list[dict[str, Any]] = field(default_factory=list)  # name, kind, version: left for the first photo
    partial: list[str] = field(default_factory=list)  # fusion models attached to the text models only
    loaded_now: list[str] = field(default_factory=list)  # models loaded by complete_app_models
    stages: dict[str, float] = field(default_factory=dict)  # seconds of each stage ("text", "all", "image")
    _later: list[dict[str, Any]] = field(default_factory=list, repr=False)  # what complete_app_models loads

    @property
    def complete(self) -> bool:
        """True when every model of the manifest that could be loaded is (nothing pending)."""
        return not self.pending and not self.partial


ORIGIN_LABELS = {"cached": "cache local", "bundled": "dépôt (models/)", "remote": "téléchargé",
                 "dir": "dossier local"}


def _manifest_for_app():
    """The registry manifest the app uses: ``ESHOPPYE_MANIFEST``, else ``<models dir>/manifest.json``
    (built from the model directories when absent). None when the registry is unavailable."""
    try:
        from eshoppye import registry
    except ImportError:  # pragma: no cover - registry module missing
        return None, None
    if os.environ.get("ESHOPPYE_MANIFEST", "").strip():
        return registry, registry.load_manifest()
    mdir = models_dir()
    path = mdir / registry.MANIFEST_NAME
    if path.is_file():
        return registry, registry.load_manifest(path)
    if mdir.resolve() == config.BUNDLED_MODELS_DIR.resolve():
        return registry, registry.load_manifest()
    return None, None


#: The two loading stages of the app. ``text``: the models that can decide on a title alone (every
#: text model, and the fusion models that combine other models when at least one of them reads
#: text, attached to the text models only), so the Classifier page is usable within seconds.
#: ``all``: everything, the image stack (image models, fusion models that read the photo
#: themselves, TensorFlow) included; the app asks for it when a photo is first given.
STAGES = ("text", "all")


def _item_kind(item: dict[str, Any]) -> str:
    return str(item.get("kind") or "")


def _plan() -> tuple[str, list[str], list[dict[str, Any]]]:
    """``(source, problems, items)``: every model of the manifest (or of the models directory),
    not loaded. Each item has ``name``, ``kind``, ``version``, ``origin`` and either ``path`` or a
    ``resolve(progress_bytes)`` giving the local copy (cache, bundled copy or download)."""
    from eshoppye.models.base import read_meta

    registry, manifest = None, None
    try:
        registry, manifest = _manifest_for_app()
    except EshoppyeError as exc:
        problems = [f"manifeste: {exc}"]
    else:
        problems = []
    items: list[dict[str, Any]] = []
    if manifest is not None and manifest.get("models"):
        source = str(manifest.get("_origin") or "manifeste")
        for entry in manifest["models"]:
            name = entry["name"]
            try:
                origin = registry.status(name, manifest)
            except EshoppyeError:
                origin = "missing"
            items.append({"name": name, "kind": entry.get("kind") or "", "version": entry.get("version"),
                          "origin": origin, "path": None,
                          "resolve": (lambda on_bytes, _n=name: registry.resolve(_n, manifest, progress=on_bytes))})
        return source, problems, items
    mdir = models_dir()
    if not mdir.is_dir():
        raise EshoppyeError(f"{mdir}: dossier de modèles introuvable (lancez d'abord eshoppye train)")
    for sub in sorted(mdir.iterdir()):
        if (sub / "model.json").is_file():
            try:
                meta = read_meta(sub)
            except EshoppyeError as exc:
                problems.append(str(exc))
                continue
            items.append({"name": meta["name"], "kind": meta.get("kind") or "", "version": meta.get("version"),
                          "origin": "dir", "path": sub, "meta": meta})
    return str(mdir), problems, items


def _resolve(item: dict[str, Any], progress: ProgressFn, lo: float, hi: float) -> Path:
    """The local directory of ``item`` (downloaded when needed, progress between ``lo`` and ``hi``)."""
    if item.get("path") is None:
        name = item["name"]

        def on_bytes(done: int, total: int) -> None:
            frac = (done / total) if total else 0.0
            progress(lo + (hi - lo) * frac, f"téléchargement de {name} : {done / 1e6:.1f} / "
                                            f"{(total or 0) / 1e6:.1f} Mo")

        item["path"] = Path(item["resolve"](on_bytes))
    return Path(item["path"])


def _resolve_all(items: list[dict[str, Any]], progress: ProgressFn, problems: list[str]) -> list[dict[str, Any]]:
    """Resolve ``items`` one after the other over the first half of the progress bar; the ones that
    fail are named in ``problems`` and left out of the returned list."""
    ok = []
    for i, it in enumerate(items):
        lo = 0.5 * i / max(len(items), 1)
        progress(lo, f"modèle {it['name']} ({ORIGIN_LABELS.get(it['origin'], it['origin'])})")
        try:
            _resolve(it, progress, lo, 0.5 * (i + 1) / max(len(items), 1))
            ok.append(it)
        except EshoppyeError as exc:
            problems.append(f"{it['name']}: {exc}")
    return ok


def _fuses_text(item: dict[str, Any], text_names: set[str]) -> bool:
    """True for a fusion model that combines other models, at least one of them a text model
    (it can decide on a title alone); False for one that reads the photo itself."""
    from eshoppye.models.base import read_meta

    meta = item.get("meta") or read_meta(item["path"])
    item["meta"] = meta
    bases = (meta.get("params") or {}).get("bases") or []
    return any(b in text_names for b in bases)


def _load_items(items: list[dict[str, Any]], models: dict[str, Any], info: list[dict[str, Any]],
                problems: list[str], progress: ProgressFn, partial: set[str]) -> None:
    """Load ``items`` (non-fusion first) into ``models`` / ``info``. Fusion models are attached to
    their bases; those named in ``partial`` only to the bases already loaded."""
    from eshoppye.models.base import load_model
    from eshoppye.models.ensemble import attach_bases

    ordered = sorted(items, key=lambda it: (_item_kind(it) == "fusion" or it["name"].startswith("fusion-")))
    for i, item in enumerate(ordered):
        name = item["name"]
        progress(0.5 + 0.45 * i / max(len(ordered), 1), f"chargement de {name}")
        try:
            model = load_model(item["path"])
        except EshoppyeError as exc:
            problems.append(f"{name}: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - a broken model must not take the app down
            problems.append(f"{name}: chargement impossible ({exc.__class__.__name__})")
            continue
        if hasattr(model, "attach"):
            absent = attach_bases(model, models, partial=name in partial)
            if absent:
                problems.append(f"{name}: modèle(s) de base absent(s): {', '.join(absent)}")
                continue
        models[name] = model
        info.append({"name": name, "kind": model.kind, "version": item.get("version") or model.version,
                     "origin": item["origin"], "origin_label": ORIGIN_LABELS.get(item["origin"], item["origin"]),
                     "path": str(item["path"]), "data_fingerprint": model.info.get("data_fingerprint")})


def _finish(models: dict[str, Any], problems: list[str], progress: ProgressFn, with_image: bool) -> None:
    progress(0.97, "préchauffage des modèles")
    try:
        from eshoppye.predict import warm_up

        warm_up(models, with_image=with_image)  # graph tracing and backbone loading now, not on the first click
    except EshoppyeError as exc:
        problems.append(f"préchauffage: {exc}")
    except Exception as exc:  # noqa: BLE001 - a model that fails here fails on its first product, not the app
        problems.append(f"préchauffage: échec ({exc.__class__.__name__})")
    # The models (TensorFlow graphs, weights, vocabularies) live as long as the server: moving them
    # out of the garbage collector's reach makes every later full collection cheap (with them,
    # one took about 2 s holding the GIL, so every session and the health check waited).
    gc.collect()
    gc.freeze()
    progress(1.0, "modèles prêts")


def load_app_models(progress: ProgressFn | None = None, stage: str = "all") -> LoadedModels:
    """Resolve the models of the manifest (cache, bundled copy or download) and load them.

    ``stage="all"`` loads every model; ``stage="text"`` only those that can decide on a title
    alone (see :data:`STAGES`): the others are listed in ``pending`` and loaded by
    :func:`complete_app_models` (nothing of the image stack, TensorFlow included, is touched
    for them). ``progress(fraction, message)`` is called while models download and load. A model
    that cannot be resolved or loaded is left out and reported in ``problems``; fusion models are
    attached to their base models (and left out when a base is missing). Raises
    :class:`EshoppyeError` when no model at all could be loaded.
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
    progress = progress or no_progress
    t0 = time.perf_counter()
    source, problems, items = _plan()
    now, later = [], []
    for it in items:
        (now if stage == "all" or _item_kind(it) in ("text", "fusion", "") else later).append(it)
    now = _resolve_all(now, progress, problems)  # resolve (download) only what this stage loads
    partial: set[str] = set()
    if stage == "text":
        text_names = {it["name"] for it in now if _item_kind(it) == "text"}
        keep = []
        for it in now:
            try:
                if not _item_kind(it):
                    it["kind"] = _meta_kind(it)
                if _item_kind(it) == "text":
                    keep.append(it)
                elif _item_kind(it) == "fusion" and _fuses_text(it, text_names):
                    keep.append(it)
                    if set((it["meta"].get("params") or {}).get("bases") or []) - text_names:
                        partial.add(it["name"])
                else:
                    later.append(it)
            except EshoppyeError as exc:
                problems.append(f"{it['name']}: {exc}")
        now = keep
    models: dict[str, Any] = {}
    info: list[dict[str, Any]] = []
    _load_items(now, models, info, problems, progress, partial)
    if not models:
        detail = "; ".join(problems) or f"aucun modèle dans {source}"
        raise EshoppyeError(f"aucun modèle chargé ({detail}); lancez d'abord eshoppye train")
    _finish(models, problems, progress, with_image=stage == "all")
    seconds = time.perf_counter() - t0
    return LoadedModels(models=models, info=info, source=source, problems=problems,
                        seconds=seconds, stages={stage: seconds},
                        pending=[{"name": it["name"], "kind": _item_kind(it), "version": it.get("version")}
                                 for it in later],
                        partial=sorted(partial), _later=later)


def _meta_kind(item: dict[str, Any]) -> str:
    """The kind recorded in the model's own ``model.json`` (for a manifest entry without one)."""
    from eshoppye.models.base import read_meta

    item["meta"] = item.get("meta") or read_meta(item["path"])
    return str(item["meta"].get("kind") or "")


def complete_app_models(loaded: LoadedModels, progress: ProgressFn | None = None) -> LoadedModels:
    """The models of ``loaded`` plus those it left pending (the image stack), as a new
    :class:`LoadedModels`; ``loaded`` itself is not modified (other sessions keep using it).

    The fusion models that were attached to the text models only are loaded again and attached to
    all their bases (to those that could be loaded, when an image model fails: the fusion keeps
    deciding on the text, and the failure is in ``problems``). ``problems`` keeps those of
    ``loaded`` and adds the new ones; ``stages["image"]`` is the time of this stage. Returns
    ``loaded`` itself when nothing is pending or when it already is the result of this function.
    """
    if (not loaded.pending and not loaded.partial) or "image" in loaded.stages:
        return loaded
    progress = progress or no_progress
    t0 = time.perf_counter()
    problems = list(loaded.problems)
    later = [dict(it) for it in loaded._later]
    later = _resolve_all(later, progress, problems)
    models = {n: m for n, m in loaded.models.items() if n not in loaded.partial}
    info = [row for row in loaded.info if row["name"] not in loaded.partial]
    again = [{"name": row["name"], "kind": row["kind"], "version": row["version"], "origin": row["origin"],
              "path": Path(row["path"])} for row in loaded.info if row["name"] in loaded.partial]
    _load_items(later + again, models, info, problems, progress, partial=set(loaded.partial))
    still = sorted(n for n in loaded.partial if n in models
                   and set(getattr(models[n], "params", {}).get("bases") or []) - set(models))
    order = {row["name"]: i for i, row in enumerate(loaded.info)}
    info.sort(key=lambda row: order.get(row["name"], len(order)))
    new = {n: models[n] for n in models if n not in loaded.models or n in loaded.partial}
    _finish(models, problems, progress, with_image=True)
    seconds = time.perf_counter() - t0
    return LoadedModels(models=models, info=info, source=loaded.source, problems=problems,
                        seconds=loaded.seconds + seconds, loaded_now=sorted(new), partial=still,
                        stages={**loaded.stages, "image": seconds})


def needs_image_stack(frame: pd.DataFrame) -> bool:
    """True when a table of products may carry photos (an ``image_path`` or ``imageid`` column with
    a value): the app then loads the image stack before classifying it."""
    for col in ("image_path", "imageid"):
        if col in frame and frame[col].astype(str).str.strip().replace({"nan": "", "0": ""}).ne("").any():
            return True
    return False


def manifest_rows() -> list[dict[str, Any]]:
    """Manifest rows (name, kind, version, status) without loading any model; [] when none."""
    try:
        registry, manifest = _manifest_for_app()
        if manifest is None:
            return []
        return registry.list_models(manifest)
    except EshoppyeError:
        return []


def describe_models_source(info: list[dict[str, Any]]) -> str:
    """One line: how many models, of which kinds."""
    kinds = Counter(i["kind"] for i in info)
    parts = [f"{n} {k}" for k, n in sorted(kinds.items())]
    return f"{len(info)} modèle(s) : " + ", ".join(parts)
