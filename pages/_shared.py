"""Streamlit glue shared by the pages: cached loaders, the sidebar, safe text display.

Everything heavy is cached once per server (``st.cache_resource``) or per input
(``st.cache_data``); the library calls live in :mod:`eshoppye`. Nothing here imports TensorFlow:
models are loaded only when a page asks for them (:func:`get_models`), the text models first and the
image stack when a photo is first given.
"""

from __future__ import annotations

import html
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from eshoppye import app_models, app_state, app_views, config, explore, fmt
from eshoppye.categories import label, name_of

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def _stop_pages_discovery() -> None:
    """Keep the app's own navigation when the first visit after a start is a direct link.

    Streamlit treats a ``pages/`` folder beside ``app.py`` as automatic pages until ``app.py`` has
    called ``st.navigation`` once in this server process. When the first visitor opens
    ``/classifier`` directly, Streamlit runs ``pages/classifier.py`` alone (sidebar of file names, no
    logo) and keeps doing so for every later direct link. Every page imports this module first: if
    discovery is still on, it is switched off and the run restarts through ``app.py``, which
    resolves the same URL to the same page (Streamlit 1.67, pinned; tested in a fresh browser).
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_stop_pages_discovery()
# Twenty sessions' script threads share one interpreter lock with the server's event loop, which
# answers the health check and streams every page: a 1 ms switch interval (default 5 ms) lets the
# loop in five times as often (20 users: health check max 1.3 s -> see bench/bench_load.py).
sys.setswitchinterval(0.001)
KIND_FR = {"text": "texte", "image": "image", "fusion": "fusion"}
MODEL_BLURB = {
    "text-tfidf": "TF-IDF mots + caractères du titre et de la description, SVM linéaire (LinearSVC) ; probabilités : softmax des scores à température ajustée",
    "text-bilstm": "réseau BiLSTM (Keras) sur les mots du titre et de la description",
    "text-embed": "vecteurs de mots distillés de multilingual-e5-small (ou e5 lui-même) + tête linéaire",
    "image-effnet": "EfficientNet-Lite0 pré-entraîné ImageNet + tête entraînée sur les photos",
    "fusion-late": "fusion tardive : méta-modèle sur les probabilités des modèles texte et image",
    "fusion-concat": "fusion précoce : concaténation des représentations texte et image",
}
# The original project's text families (``eshoppye train --models seed``), one layer apart.
ORIGINAL_BLURB = {
    "text-conv1d": "convolution 1-D (128 filtres de largeur 5) puis max-pooling global",
    "text-lstm": "LSTM à 64 cellules, lu dans un seul sens",
    "text-gru": "GRU à 64 cellules, lu dans un seul sens",
    "text-bilstm": "LSTM bidirectionnel à 2 × 64 cellules, le meilleur du projet d'origine",
}


def _keep_shared_keras_models() -> None:
    """Stop Streamlit from calling ``keras.backend.clear_session()`` after every script run.

    Streamlit does it to reset Keras' global state between reruns, but this app's Keras models are
    loaded once per server and shared by every session (``st.cache_resource``): the clearing only
    cost a full ``gc.collect()`` (about 2 s with the models in memory, holding the GIL, so that
    every other session and the health check waited) on every rerun of every session. Only the
    Keras step is skipped; matplotlib figures are still closed. If Streamlit's internals change,
    nothing is patched and the app works as before.
    """
    try:
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError:  # pragma: no cover - another Streamlit layout
        return
    if getattr(script_runner, "_eshoppye_patched", False) or not hasattr(script_runner, "_clean_problem_modules"):
        return

    def clean_problem_modules() -> None:
        import sys

        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            try:
                plt.close("all")
            except Exception:  # noqa: BLE001, S110
                pass

    script_runner._clean_problem_modules = clean_problem_modules
    script_runner._eshoppye_patched = True


_keep_shared_keras_models()

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


def fr_int(n: int | float | None) -> str:
    """12 345 with a narrow no-break space, the French way (:func:`eshoppye.fmt.integer`)."""
    return fmt.integer(n)


def fr_pct(x: float | None, digits: int = 1) -> str:
    """42,9 % (decimal comma, narrow no-break space; ``n/a`` when missing)."""
    return fmt.pct(x, digits)


def pct_axis(fig, axis: str = "xaxis", top: float = 1.0) -> None:
    """Ticks of a share axis written the French way (``20 %``, narrow space) instead of d3's ``20%``."""
    top = max(float(top), 1e-9)
    step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0) if top / s <= 6)
    vals = [i * step for i in range(int(top / step) + 2)]
    fig.update_layout({axis: dict(tickvals=vals, ticktext=[fmt.pct(v, 0 if step >= 0.01 else 1) for v in vals])})


def chart(fig, key: str | None = None, **kwargs) -> None:
    """``st.plotly_chart`` the French way: decimal comma in axes and hovers, no toolbar over the title
    (drag to zoom and double-click to reset still work), full width."""
    fig.update_layout(separators=fmt.PLOTLY_SEPARATORS)
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("config", {"displayModeBar": False, "locale": "fr"})
    st.plotly_chart(fig, key=key, **kwargs)


# ------------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=2)
def _load_dataset(data_dir: str, _key: tuple):
    return app_state.load_app_dataset(data_dir)


def get_dataset():
    """``(Dataset, search index)`` of the data in use, read once per server; EshoppyeError on failure."""
    data_dir = Path(config.default_data_dir())
    with st.spinner("Lecture du catalogue…"):
        return _load_dataset(str(data_dir), app_state.data_key(data_dir))


@st.cache_resource(show_spinner=False, max_entries=8)
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

def _start_loading(kind: str, key: str, load) -> dict[str, Any]:
    """Start ``load(progress)`` in a background thread (once per server, kind and key).

    The loading does not run inside a page's script: a click or a rerun while it runs does not
    interrupt and restart it; the page only waits for it, with a progress bar."""
    slot = _slot(kind, key)
    with slot["lock"]:
        thread = slot.get("thread")
        if slot["value"] is None and (thread is None or (not thread.is_alive() and slot.get("error"))):
            slot.update(error=None, frac=0.0, msg="démarrage")

            def work() -> None:
                try:
                    slot["value"] = load(lambda f, m: slot.update(frac=float(f), msg=str(m)))
                except Exception as exc:  # noqa: BLE001 - reported by the page that waits
                    slot["error"] = exc

            slot["thread"] = threading.Thread(target=work, name=f"eshoppye-{kind}", daemon=True)
            slot["thread"].start()
    return slot


def _wait(slot: dict[str, Any], title: str) -> app_models.LoadedModels:
    """Wait for a loading slot, with a French progress bar (message and elapsed time)."""
    if slot["value"] is None:
        placeholder = st.empty()
        bar = placeholder.progress(0.0, text=title)
        t0 = time.monotonic()
        while slot["thread"].is_alive():
            bar.progress(min(max(slot.get("frac", 0.0), 0.0), 1.0),
                         text=f"{title} : {slot.get('msg', '')} · {fmt.seconds(time.monotonic() - t0)}")
            time.sleep(0.3)
        placeholder.empty()
    if slot["value"] is None:
        exc = slot.get("error")
        if isinstance(exc, Exception):
            raise exc
        raise RuntimeError("chargement des modèles interrompu")
    return slot["value"]


TEXT_MODELS_TITLE = "Préparation des modèles texte (une seule fois)"
IMAGE_MODELS_TITLE = "Chargement du modèle image (une seule fois, à la première photo)"


def _models_key() -> str:
    return f"{app_state.models_dir()}|{app_state.metrics_path()}|{os.environ.get('ESHOPPYE_MANIFEST', '')}"


def _load_text_models(progress) -> app_models.LoadedModels:
    return app_models.load_app_models(progress, stage="text")


def prefetch_models() -> None:
    """Start loading the text models in the background without waiting (the Classifier page calls
    it first, so that the models load while the form is drawn and the person types)."""
    _start_loading("models", _models_key(), _load_text_models)


def get_models(with_image: bool = False) -> app_models.LoadedModels:
    """The app's models, resolved through the registry and loaded once per server.

    First the models that decide on a title alone (:func:`eshoppye.app_models.load_app_models`,
    stage ``text``); with ``with_image``, the image stack as well
    (:func:`eshoppye.app_models.complete_app_models`), loaded when a photo is first given. Once it
    is loaded, every call returns all the models. A progress bar follows each background loading
    the first time."""
    key = _models_key()
    shown = _STATE.get("loaded")  # what the sidebar of this run lists
    text = _wait(_start_loading("models", key, _load_text_models), TEXT_MODELS_TITLE)
    loaded = text
    if not text.complete:
        full_slot = _slot("models-image", key)
        if full_slot["value"] is not None:
            loaded = full_slot["value"]
        elif with_image:
            loaded = _wait(_start_loading("models-image", key, lambda cb: app_models.complete_app_models(text, cb)),
                           IMAGE_MODELS_TITLE)
    _STATE["loaded"] = loaded
    side = st.session_state.get("_sidebar_models_slot")
    if shown is not loaded and side is not None:
        try:
            _render_models(side)
        except Exception:  # noqa: BLE001 - a stale placeholder must not break the page
            pass
    return loaded


@st.cache_data(show_spinner=False, ttl=30)
def _manifest_rows(key: str) -> list[dict[str, Any]]:
    return app_models.manifest_rows()


def shipped_models() -> set[str]:
    """Names of the models the app uses (its manifest), without loading them; empty when unknown."""
    return {row["name"] for row in _manifest_rows(str(app_state.models_dir()))}


def read_metrics_safe() -> tuple[dict[str, Any], str | None]:
    """``(metrics, error message or None)`` of the metrics file in use."""
    return app_state.read_metrics_safe()


# ------------------------------------------------------------------------------------------------
# sidebar
# ------------------------------------------------------------------------------------------------

def sidebar() -> None:
    """Which data and which models the app is using."""
    info = app_state.data_description()
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
        _about()
    st.session_state["_sidebar_models_slot"] = slot
    _render_models(slot)


@st.cache_data(show_spinner=False, ttl=300)
def _project_links() -> dict[str, str]:
    return app_views.project_links()


@st.cache_data(show_spinner=False, ttl=300)
def _readme_sections() -> list[dict[str, str]]:
    return app_views.readme_sections()


def readme_block() -> None:
    """The project's links and its README, section by section (Accueil's footer; the sidebar's
    "À propos" links here with ``?readme=1``, which opens it)."""
    links = _project_links()
    st.markdown(f"Le challenge : [challengedata.ens.fr n° 35]({app_views.CHALLENGE_URL})"
                + "".join(f" · [{md_escape(k)}]({v})" for k, v in links.items()))
    sections = _readme_sections()
    if not sections:
        st.caption("README.md introuvable à la racine du dépôt.")
        return
    with st.expander("📖 Le README du projet (installation, ligne de commande, résultats)",
                     expanded=st.query_params.get("readme") == "1"):
        pick = st.selectbox("Section", range(len(sections)), key="readme_section",
                            format_func=lambda i: sections[i]["title"])
        st.caption(f"Dans le dépôt : {code_span('README.md#' + sections[pick]['anchor'])}")
        st.markdown(sections[pick]["body"])


def _about() -> None:
    """The sidebar's "À propos": version and licence, the challenge, and the project's own links
    (``project.urls`` of pyproject.toml) or, when it declares none, its README read in the app."""
    from eshoppye import __version__

    st.markdown("#### À propos")
    st.caption(f"eShopPye {__version__} · licence MIT · "
               f"[challenge Rakuten (challengedata.ens.fr n° 35)]({app_views.CHALLENGE_URL})")
    links = _project_links()
    if links:
        st.markdown(" · ".join(f"[{md_escape(k)}]({v})" for k, v in links.items()))
    st.page_link("pages/accueil.py", label="Lire le README du projet", icon="📖", query_params={"readme": "1"})
    if not links:
        st.caption("Code et documentation : `README.md` à la racine du dépôt.")


def _render_models(slot) -> None:
    """The models part of the sidebar (re-rendered by :func:`get_models` once they are loaded)."""
    loaded = _STATE.get("loaded")
    with slot.container():
        if loaded is not None:
            for row in loaded.info:
                st.markdown(f"✅ **{row['name']}** · v{row['version']}  \n"
                            f"<small>{KIND_FR.get(row['kind'], row['kind'])} · {row['origin_label']}</small>",
                            unsafe_allow_html=True)
            for row in loaded.pending:
                st.markdown(f"▫️ **{row['name']}** · v{row['version']}  \n"
                            f"<small>{KIND_FR.get(row['kind'], row['kind'])} · à la première photo</small>",
                            unsafe_allow_html=True)
            stages = loaded.stages
            if "image" in stages:
                took = f"{fmt.num(stages.get('text', 0.0), 1)} s, puis {fmt.num(stages['image'], 1)} s pour l'image"
            else:
                took = f"{fmt.num(loaded.seconds, 1)} s"
            st.caption(f"Chargés en {took} depuis {code_span(_short(loaded.source))}"
                       + (" ; le modèle image se charge à la première photo." if loaded.pending else ""))
            for p in loaded.problems:
                st.caption(f":red[{md_escape(p, 200)}]")
        else:
            rows = _manifest_rows(str(app_state.models_dir()))
            if rows:
                for row in rows:
                    where = app_models.ORIGIN_LABELS.get(row["status"], row["status"])
                    if row["status"] == "remote":
                        where = "à télécharger"
                    elif row["status"] == "missing":
                        where = "introuvable"
                    st.markdown(f"▫️ **{row['name']}** · v{row['version']}  \n"
                                f"<small>{KIND_FR.get(row['kind'], row['kind'])} · {where}</small>",
                                unsafe_allow_html=True)
                st.caption("Pas encore chargés : les modèles texte se chargent à l'ouverture de Classifier, "
                           "le modèle image à la première photo.")
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
    return app_state.split_predictions(_dataset, _model, part)


def misclassified(model_name: str, dataset, part: str, true: int, pred: int):
    """Products of ``part`` of true class ``true`` that ``model_name`` puts in ``pred``."""
    loaded = get_models(with_image=True)
    predictions = _split_predictions(model_name, dataset.fingerprint, part, dataset, loaded.models[model_name])
    return app_state.misclassified_rows(dataset, predictions, true, pred)
