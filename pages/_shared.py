"""Streamlit glue shared by the pages: cached loaders, the sidebar, safe text display.

Everything heavy is cached once per server (``st.cache_resource``) or per input
(``st.cache_data``); the library calls live in :mod:`eshoppye`. Nothing here imports TensorFlow:
models are loaded only when a page asks for them (:func:`get_models`).
"""

from __future__ import annotations

import html
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import streamlit as st

from eshoppye import config, explore
from eshoppye.categories import label, name_of
from eshoppye.errors import EshoppyeError

ASSETS = Path(__file__).resolve().parent.parent / "assets"
KIND_FR = {"text": "texte", "image": "image", "fusion": "fusion"}
MODEL_BLURB = {
    "text-tfidf": "TF-IDF mots + caractères du titre et de la description, régression logistique calibrée",
    "text-bilstm": "réseau BiLSTM (Keras) sur les mots du titre et de la description",
    "text-embed": "encodeur de phrases multilingue (e5-small) + tête linéaire",
    "image-effnet": "EfficientNet-Lite0 pré-entraîné ImageNet + tête entraînée sur les photos",
    "fusion-late": "fusion tardive : méta-modèle sur les probabilités des modèles texte et image",
    "fusion-concat": "fusion précoce : concaténation des représentations texte et image",
}
# Process-wide record of the loaded models (st.cache_resource is per server process as well).
_STATE: dict[str, Any] = {"loaded": None}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&$:])")


def md_escape(text: Any, limit: int | None = None) -> str:
    """User text made inert for ``st.markdown``: every Markdown/HTML special character escaped."""
    s = "" if text is None else str(text)
    if limit is not None and len(s) > limit:
        s = s[:limit] + "…"
    s = " ".join(s.split())
    return _MD_SPECIAL.sub(r"\\\1", s)


def code_span(text: Any) -> str:
    """Text for a Markdown code span (backticks removed; nothing else is interpreted there)."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


def page_setup(title: str, icon: str = "") -> None:
    """Inject the CSS once per run and write the page title."""
    css = ASSETS / "style.css"
    if css.is_file():
        st.html(f"<style>{css.read_text(encoding='utf-8')}</style>")
    if title:
        st.title(f"{icon} {title}".strip())


def fr_int(n: int | float) -> str:
    """12 345 with a narrow no-break space, the French way."""
    return f"{int(n):,}".replace(",", "\u202f")


def fr_pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f}".replace(".", ",") + "\u202f%"


# ------------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------------

def _data_key(data_dir: Path) -> tuple:
    files = [data_dir / "X_train_update.csv", data_dir / "Y_train_CVw08PX.csv"]
    return tuple((str(f), f.stat().st_mtime_ns if f.is_file() else 0) for f in files)


@st.cache_resource(show_spinner=False, max_entries=2)
def _load_dataset(data_dir: str, _key: tuple):
    from eshoppye.data import load_dataset

    ds = load_dataset(Path(data_dir), "train")
    index = explore.search_index(ds.frame)
    return ds, index


def get_dataset():
    """``(Dataset, search index)`` of the data in use, read once per server; EshoppyeError on failure."""
    data_dir = Path(config.default_data_dir())
    with st.spinner("Lecture du catalogue…"):
        return _load_dataset(str(data_dir), _data_key(data_dir))


@st.cache_resource(show_spinner=False, max_entries=4)
def _slot(kind: str, key: str) -> dict[str, Any]:
    """A per-server slot (value + lock) for something computed once with a progress bar.

    The computation itself runs outside the cached function so that it can drive a progress
    bar of the current page (Streamlit cannot replay elements created by a cached function).
    """
    return {"value": None, "lock": threading.Lock()}


def _once(kind: str, key: str, compute, first_text: str):
    slot = _slot(kind, key)
    if slot["value"] is not None:
        return slot["value"]
    placeholder = st.empty()
    holder: dict[str, Any] = {}

    def progress(frac: float, msg: str) -> None:
        if "bar" not in holder:
            holder["bar"] = placeholder.progress(0.0, text=first_text)
        holder["bar"].progress(min(max(float(frac), 0.0), 1.0), text=f"{first_text} : {msg}")

    try:
        with slot["lock"]:
            if slot["value"] is None:
                slot["value"] = compute(progress)
    finally:
        placeholder.empty()
    return slot["value"]


def get_aggregates(dataset) -> dict[str, Any]:
    """The data page's figures, computed once (progress bar), kept in memory and on disk."""
    return _once("aggregates", f"{dataset.data_dir}|{dataset.fingerprint}",
                 lambda progress: explore.compute_aggregates(dataset.frame, dataset.fingerprint, progress),
                 "Calcul des statistiques du catalogue (une seule fois)")


# ------------------------------------------------------------------------------------------------
# models
# ------------------------------------------------------------------------------------------------

def get_models() -> explore.LoadedModels:
    """The app's models, resolved through the registry and loaded once per server.

    A progress bar is shown while they download or load for the first time.
    """
    key = f"{explore.models_dir()}|{explore.metrics_path()}|{os.environ.get('ESHOPPYE_MANIFEST', '')}"
    shown = _STATE.get("loaded") is not None  # the sidebar already lists the loaded models
    loaded = _once("models", key, explore.load_app_models, "Préparation des modèles (une seule fois)")
    _STATE["loaded"] = loaded
    slot = st.session_state.get("_sidebar_models_slot")
    if not shown and slot is not None:
        try:
            _render_models(slot)
        except Exception:  # noqa: BLE001 - a stale placeholder must not break the page
            pass
    return loaded


@st.cache_data(show_spinner=False, ttl=30)
def _manifest_rows(key: str) -> list[dict[str, Any]]:
    return explore.manifest_rows()


def read_metrics_safe() -> tuple[dict[str, Any], str | None]:
    """``(metrics, error message or None)`` of the metrics file in use."""
    from eshoppye.evaluate import read_metrics

    try:
        return read_metrics(explore.metrics_path()), None
    except EshoppyeError as exc:
        return {"models": {}}, str(exc)


# ------------------------------------------------------------------------------------------------
# sidebar
# ------------------------------------------------------------------------------------------------

def sidebar() -> None:
    """Which data and which models the app is using."""
    info = explore.data_description()
    with st.sidebar:
        st.markdown("#### Données utilisées")
        if info["synthetic"]:
            st.markdown(":orange-badge[Catalogue d'exemple synthétique]")
            st.caption("Produits fictifs générés pour la démonstration, au format exact du challenge. "
                       "Pour les vraies données : variable `ESHOPPYE_DATA_DIR` (voir Accueil).")
        else:
            st.markdown(":green-badge[Données réelles du challenge Rakuten]")
            st.caption(f"Dossier : {code_span(info['shown'])}"
                       + (" (via `ESHOPPYE_DATA_DIR`)" if info["from_env"] else ""))
        if not info["exists"]:
            st.caption(f":red[X_train_update.csv introuvable dans {md_escape(info['shown'])}]")

        st.markdown("#### Modèles")
        slot = st.empty()
    st.session_state["_sidebar_models_slot"] = slot
    _render_models(slot)


def _render_models(slot) -> None:
    """The models part of the sidebar (re-rendered by :func:`get_models` once they are loaded)."""
    loaded = _STATE.get("loaded")
    with slot.container():
        if loaded is not None:
            for row in loaded.info:
                st.markdown(f"✅ **{row['name']}** · v{row['version']}  \n"
                            f"<small>{KIND_FR.get(row['kind'], row['kind'])} · {row['origin_label']}</small>",
                            unsafe_allow_html=True)
            st.caption(f"Chargés en {loaded.seconds:.1f} s depuis {code_span(_short(loaded.source))}")
            for p in loaded.problems:
                st.caption(f":red[{md_escape(p, 200)}]")
        else:
            rows = _manifest_rows(str(explore.models_dir()))
            if rows:
                for row in rows:
                    where = explore.ORIGIN_LABELS.get(row["status"], row["status"])
                    if row["status"] == "remote":
                        where = "à télécharger"
                    elif row["status"] == "missing":
                        where = "introuvable"
                    st.markdown(f"▫️ **{row['name']}** · v{row['version']}  \n"
                                f"<small>{KIND_FR.get(row['kind'], row['kind'])} · {where}</small>",
                                unsafe_allow_html=True)
                st.caption("Pas encore chargés : ils le seront à la première classification.")
            else:
                st.caption("Aucun modèle trouvé : lancez `eshoppye train` ou `eshoppye models pull`.")


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(config.ROOT))
    except (ValueError, OSError):
        return str(path)


# ------------------------------------------------------------------------------------------------
# small display helpers
# ------------------------------------------------------------------------------------------------

def category_badge(code: int | None) -> str:
    """HTML of a category chip (our own text only, escaped)."""
    if code is None:
        return "<span class='chip chip-none'>aucune catégorie</span>"
    return f"<span class='chip'>{html.escape(label(code))}</span>"


def short_name(code: int) -> str:
    return f"{code} · {name_of(code)}"


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


@st.cache_data(show_spinner=False, max_entries=16)
def _split_predictions(model_name: str, fingerprint: str, part: str, _dataset, _model):
    import numpy as np

    from eshoppye.data import split_dataset

    pos = split_dataset(_dataset.labels)[part]
    frame = _dataset.frame.iloc[pos]
    proba = _model.predict_proba(frame)
    ok = ~np.isnan(proba).any(axis=1)
    pred = np.full(len(frame), -1, dtype=np.int64)
    pred[ok] = _model.classes_[proba[ok].argmax(axis=1)]
    conf = np.where(ok, np.nan_to_num(proba).max(axis=1), np.nan)
    return pos, pred, conf


def misclassified(model_name: str, dataset, part: str, true: int, pred: int):
    """Products of ``part`` of true class ``true`` that ``model_name`` puts in ``pred``."""
    loaded = get_models()
    pos, preds, conf = _split_predictions(model_name, dataset.fingerprint, part, dataset,
                                          loaded.models[model_name])
    frame = dataset.frame.iloc[pos].assign(predicted=preds, confidence=conf)
    hits = frame[(frame["prdtypecode"] == true) & (frame["predicted"] == pred)]
    return hits.sort_values("confidence", ascending=False)
