"""Classifier: one product (title, description, photo) or a CSV of products."""

from __future__ import annotations

import html
import io

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from eshoppye import app_models, app_state, app_views, explore, fmt
from eshoppye.categories import label, name_of
from eshoppye.errors import EshoppyeError
from pages._shared import (chart, KIND_FR, fr_int, fr_pct, get_dataset, get_models, md_escape,
                           page_setup, prefetch_models)

MAX_BATCH_ROWS = 5000
IMG_NONE, IMG_UPLOAD, IMG_CAMERA, IMG_SAMPLE = ("Aucune image", "Téléverser une photo", "Prendre une photo",
                                                "Photo du produit d'exemple")
FUSION_INPUTS = {"all": "texte et image", "text": "texte seul (pas d'image)", "image": "image seule (pas de texte)"}

page_setup("Classifier un produit", "🏷️")
prefetch_models()  # the text models load while the form is drawn and the person types
status_box = st.container()


@st.cache_data(show_spinner=False, max_entries=8)
def check_image(data: bytes, name: str):
    """``(thumbnail, size, error)`` of uploaded bytes; the error is a French sentence or None."""
    from PIL import Image

    from eshoppye.image import load_image

    try:
        img = load_image(data, name=name)
    except EshoppyeError as exc:
        return None, None, str(exc)
    size = img.size
    img.thumbnail((360, 360), Image.Resampling.BILINEAR)
    return img, size, None


@st.cache_data(show_spinner=False, max_entries=4)
def cached_samples(fingerprint: str, _dataset) -> pd.DataFrame:
    """Example products (:func:`eshoppye.app_views.example_products`), computed once per data set
    (not on every rerun of every session)."""
    return app_views.example_products(_dataset, symbols=explore.symbol_images(_dataset.data_dir))


@st.cache_data(show_spinner=False, max_entries=4)
def chip_thumbnails(fingerprint: str, _chips: pd.DataFrame) -> dict:
    """A small square thumbnail of each chip's photo (None without a photo), once per data set."""
    return {i: explore.thumbnail(_chips.loc[i, "image_path"], 96) if _chips.loc[i, "has_photo"] else None
            for i in _chips.index}


def example_chips(samples: pd.DataFrame, fingerprint: str) -> None:
    """One chip per category (thumbnail and short title); a click fills the form with the product."""
    chips = app_views.first_per_category(samples)
    thumbs = chip_thumbnails(fingerprint, chips)
    chosen = st.session_state.get("clf_sample")
    st.markdown("**Partir d'un produit d'exemple** · un par catégorie, pris dans la partie test "
                "(jamais vue à l'entraînement)")
    with st.container(horizontal=True, gap="small", height=232, key="clf_chips"):
        for i in chips.index:
            pid = int(chips.loc[i, "productid"])
            with st.container(horizontal=True, border=True, width="content", gap="small",
                              vertical_alignment="center", key=f"clf_chip_box_{pid}"):
                if thumbs.get(i) is not None:
                    st.image(thumbs[i], width=40)
                st.button(md_escape(chips.loc[i, "chip"]), key=f"clf_chip_{pid}", on_click=use_sample, args=(i,),
                          type="secondary" if i == chosen else "tertiary",
                          help=f"{md_escape(chips.loc[i, 'designation'], 200)} "
                               f"(réel : {md_escape(label(chips.loc[i, 'prdtypecode']))})")


def reopen_from_link(samples: pd.DataFrame | None) -> None:
    """A shared link (``?titre=…&description=…&exemple=<productid>``) fills the form and classifies it,
    once per visit."""
    qp = st.query_params
    if "titre" not in qp and "exemple" not in qp or st.session_state.get("_link_done"):
        return
    st.session_state["_link_done"] = True
    st.session_state["clf_title"] = str(qp.get("titre", ""))[:2000]
    st.session_state["clf_desc"] = str(qp.get("description", ""))[:20000]
    ex = str(qp.get("exemple", ""))
    if ex.isdigit() and samples is not None:
        hit = samples.index[samples["productid"].astype("int64") == int(ex)]
        if len(hit):
            st.session_state["clf_sample"] = hit[0]
            st.session_state["clf_img_src"] = IMG_SAMPLE if samples.loc[hit[0], "image_path"] else IMG_NONE
            if not st.session_state["clf_title"]:
                st.session_state["clf_title"] = str(samples.loc[hit[0], "designation"])
    st.session_state["_clf_autorun"] = True


def use_sample(row) -> None:
    """Callback of an example chip: copy the product into the form."""
    samples = st.session_state.get("_samples")
    if row is None or samples is None or row not in samples.index:
        return
    prod = samples.loc[row]
    st.session_state["clf_sample"] = row
    st.session_state["clf_title"] = str(prod["designation"])
    st.session_state["clf_desc"] = str(prod["description"])
    st.session_state["clf_img_src"] = IMG_SAMPLE if prod["image_path"] else IMG_NONE
    st.session_state.pop("clf_result", None)


tab_one, tab_batch = st.tabs(["Un produit", "Plusieurs produits (CSV)"])

# ================================================================================================
# one product
# ================================================================================================
with tab_one:
    dataset = None
    try:
        dataset, _ = get_dataset()
    except EshoppyeError as exc:
        st.caption(f"Produits d'exemple indisponibles : {md_escape(exc)}")
    if dataset is not None:
        samples = cached_samples(dataset.fingerprint, dataset)
        st.session_state["_samples"] = samples
        reopen_from_link(samples)
        example_chips(samples, dataset.fingerprint)
    form_col, img_col = st.columns([3, 2], gap="large")
    with form_col:
        title = st.text_input("Titre du produit (designation)", key="clf_title",
                              placeholder="par exemple : Manette sans fil pour PS4 Dualshock noire")
        desc = st.text_area("Description (facultative, HTML accepté)", key="clf_desc", height=140,
                            placeholder="Texte ou HTML de la fiche produit")
        for level, msg in app_views.input_notes(title, desc):
            (st.warning if level == "warning" else st.info)(msg)
    with img_col:
        src = st.radio("Photo", [IMG_NONE, IMG_UPLOAD, IMG_CAMERA, IMG_SAMPLE], key="clf_img_src",
                       horizontal=False)
        image_bytes, image_name, image_error, preview = None, "", None, None
        if src == IMG_UPLOAD:
            up = st.file_uploader("Photo du produit (JPEG, PNG, WebP… 40 Mpx au plus)", key="clf_upload")
            if up is not None:
                image_bytes, image_name = up.getvalue(), up.name
        elif src == IMG_CAMERA:
            shot = st.camera_input("Photo du produit", key="clf_camera")
            if shot is not None:
                image_bytes, image_name = shot.getvalue(), "photo de l'appareil"
        elif src == IMG_SAMPLE:
            row = st.session_state.get("clf_sample")
            samples = st.session_state.get("_samples")
            path = samples.loc[row, "image_path"] if (samples is not None and row in samples.index) else ""
            if path:
                try:
                    with open(path, "rb") as fh:
                        image_bytes, image_name = fh.read(), str(path).rsplit("/", 1)[-1]
                except OSError as exc:
                    image_error = f"{path} : lecture impossible ({exc.strerror})"
                if dataset is not None and int(samples.loc[row, "imageid"]) in explore.symbol_images(dataset.data_dir):
                    st.info("🔣 Cette image est un **symbole** du type de produit (un pictogramme), pas une photo "
                            "de l'objet : le modèle image ne voit que ce symbole.")
            else:
                st.caption("Choisissez d'abord un produit d'exemple (au-dessus) qui a une photo.")
        if image_bytes is not None:
            preview, size, image_error = check_image(image_bytes, image_name)
            if preview is not None:
                st.image(preview, caption=f"{md_escape(image_name, 60)} · {size[0]} × {size[1]} px", width=260)
        if image_error:
            st.error(f"Image refusée : {image_error}. Le produit sera classé sur le texte seul.")
            image_bytes = None

    go_clicked = st.button("Classer ce produit", type="primary", key="clf_go", icon="🏷️")
    image_status = st.container()

with status_box:
    try:
        loaded = get_models()
    except EshoppyeError as exc:
        st.error(f"Modèles indisponibles : {exc}")
        st.stop()
if image_bytes is not None and not loaded.complete:
    with image_status:  # the image stack loads when a photo is first given, under the button
        try:
            loaded = get_models(with_image=True)
        except EshoppyeError as exc:
            st.error(f"Modèle image indisponible : {exc}. Le produit sera classé sur le texte seul.")
        except Exception as exc:  # noqa: BLE001 - the text models keep working
            st.error(f"Modèle image indisponible ({exc.__class__.__name__}). Le produit sera classé sur le "
                     "texte seul.")
with status_box:
    for p in loaded.problems:
        st.warning(f"Modèle non chargé : {p}")

def top5_html(top: list[tuple[int, float]], highlight: int | None) -> str:
    """A model's top 5 as HTML rows (label never cut, French percentages; our own text only)."""
    rows = []
    for code, p in top:
        hit = " hit" if code == highlight else ""
        rows.append(f"<div class='row{hit}'><span class='lbl'>{html.escape(label(code))}</span>"
                    f"<span class='bar'><span style='width:{100 * max(min(p, 1.0), 0.0):.1f}%'></span></span>"
                    f"<span class='p'>{html.escape(fr_pct(p, 0))}</span></div>")
    return "<div class='top5'>" + "".join(rows) + "</div>"


def share_link(saved: dict) -> str | None:
    """A link that reopens this result (title, description, sample photo) in the query string."""
    from urllib.parse import urlencode

    params = {"titre": saved["title"][:300]}
    if saved.get("desc"):
        params["description"] = saved["desc"][:500]
    if saved.get("sample_id"):
        params["exemple"] = str(saved["sample_id"])
    try:
        base = str(st.context.url or "").split("?")[0]
    except Exception:  # noqa: BLE001
        base = ""
    return f"{base}?{urlencode(params)}" if base else None


with tab_one:
    current_sig = app_views.input_signature(title, desc, image_bytes)
    if go_clicked or st.session_state.pop("_clf_autorun", False):
        from eshoppye.app_state import classify

        try:
            with st.spinner("Classification…"):
                result = classify(loaded.models, title, desc, image_bytes)
            sample_id = None
            if st.session_state.get("clf_img_src") == IMG_SAMPLE and image_bytes is not None:
                samples = st.session_state.get("_samples")
                row = st.session_state.get("clf_sample")
                if samples is not None and row in samples.index:
                    sample_id = int(samples.loc[row, "productid"])
            st.session_state["clf_result"] = {
                "result": result, "title": title, "desc": desc, "sig": current_sig, "sample_id": sample_id,
                "image_name": image_name if image_bytes else "", "image": image_bytes or None,
                "words": app_views.why_words(loaded.models, title, desc, result.code)}
            st.session_state["_link_done"] = True  # the address now names this product: not a link to reopen
            st.query_params.from_dict({k: v for k, v in (("titre", title[:300]), ("description", desc[:500]),
                                                         ("exemple", str(sample_id or ""))) if v})
        except EshoppyeError as exc:
            st.session_state.pop("clf_result", None)
            msg = str(exc)
            if "au moins un titre" in msg:
                msg = "Indiquez au moins un titre, une description ou une photo valide pour classer le produit."
            st.error(msg)
        except Exception as exc:  # noqa: BLE001 - the app must keep running
            st.session_state.pop("clf_result", None)
            st.error(f"La classification a échoué ({exc.__class__.__name__}). Les autres champs sont conservés ; "
                     "réessayez ou changez d'entrée.")

    saved = st.session_state.get("clf_result")
    if saved:
        r = saved["result"]
        stale = saved.get("sig") != current_sig
        st.divider()
        if stale:
            st.warning("Les entrées ont changé depuis ce résultat : il ne correspond plus au produit saisi. "
                       "Cliquez sur « Classer ce produit » pour le mettre à jour.", icon="⏳")
        used = [k for k, v in (("texte", r.inputs.get("text")), ("photo", r.inputs.get("image"))) if v]
        chips = " ".join(f"<span class='chip chip-ok'>{k} ✓</span>" for k in used) + " " + " ".join(
            f"<span class='chip chip-off'>{k}</span>" for k in ("texte", "photo") if k not in used)
        if r.code is not None:
            uncertain = (r.confidence or 0.0) < app_views.UNCERTAIN_BELOW
            classes = "decision" + (" uncertain" if uncertain else "") + (" stale" if stale else "")
            head = "Incertain : catégorie la plus probable" if uncertain else "Catégorie proposée"
            others = ""
            if uncertain:
                top3 = r.per_model.get(r.decided_by, [])[:3]
                others = ("<div class='sub'>Les modèles hésitent ; les 3 catégories les plus probables : "
                          + " · ".join(f"{html.escape(label(c))} ({html.escape(fr_pct(p, 0))})" for c, p in top3)
                          + ". Vérifiez avant de ranger le produit.</div>")
            st.html(f"""<div class='{classes}' data-testid='decision'>
<span class='conf'>{html.escape(fr_pct(r.confidence, 0))}</span>
<div class='sub'>{head}</div>
<div class='big' id='decision-label'>{html.escape(label(r.code))}</div>{others}
<div class='sub'>Décision prise {html.escape(app_views.decider_sentence(r.decided_by))} · entrées utilisées : {chips}
· {html.escape(fmt.seconds(r.total_seconds))} au total</div></div>""")
            link = share_link(saved)
            if link:
                with st.popover("🔗 Lien à partager"):
                    st.caption("Ce lien rouvre ce produit et relance sa classification :")
                    st.code(link, language=None, wrap_lines=True)
        else:
            st.warning("Aucun modèle n'a pu se prononcer sur ce produit.")

        from pages._feedback import feedback_control

        feedback_control(saved, loaded.models)

        st.subheader("Ce que dit chaque modèle")
        rank = {"text": 0, "image": 1, "fusion": 2}
        kinds = {row["name"]: row["kind"] for row in loaded.pending}
        kinds.update({n: m.kind for n, m in loaded.models.items()})
        names = sorted(set(r.per_model) | set(r.silent) | set(kinds) - set(loaded.models),
                       key=lambda n: (rank.get(kinds.get(n, ""), 3), n))
        cols = st.columns(min(3, max(len(names), 1)))
        for i, name in enumerate(names):
            kind = kinds.get(name, "")
            with cols[i % len(cols)].container(border=True):
                star = " ⭐ décision" if name == r.decided_by else ""
                st.markdown(f"**{name}** · {KIND_FR.get(kind, kind)}{star}")
                if name in r.per_model:
                    st.html(top5_html(r.per_model[name], r.code))
                    st.caption(fmt.seconds(r.seconds.get(name)))
                else:
                    st.html(f"<div class='na'>n/a</div>")
                    st.caption(f"Pas d'avis : {app_views.silent_reason(kind, r.inputs)}.")

        st.subheader("Pourquoi")
        w_col, f_col = st.columns(2)
        words = saved.get("words") or []
        with w_col:
            if words and r.code is not None:
                wl = list(reversed(words))
                fig = go.Figure(go.Bar(x=[v for _, v in wl], y=[w for w, _ in wl], orientation="h",
                                       marker_color="#bf0000", text=[fmt.num(v, 2) for _, v in wl],
                                       textposition="none",
                                       hovertemplate="%{y}<br>contribution %{text}<extra></extra>"))
                fig.update_layout(height=300, margin=dict(l=5, r=5, t=40, b=5), yaxis_type="category",
                                  title=f"Mots qui désignent « {name_of(r.code)} »")
                chart(fig, key="why_words")
                st.caption("Les mots du produit qui comptent le plus pour la catégorie décidée, "
                           "selon le modèle texte (mots-clés).")
            else:
                st.caption("Pas d'explication par mots (pas de texte, ou aucun mot ne désigne cette catégorie).")
        with f_col:
            if r.fusion_shares:
                shares = r.fusion_shares
                values = [max(v, 0) for v in shares.values()]
                shown = [[fr_pct(v / (sum(values) or 1.0))] for v in values]  # French, not d3's 21.4%
                fig = go.Figure(go.Pie(labels=list(shares), values=values, hole=0.5, sort=False,
                                       customdata=shown, texttemplate="%{customdata[0]}",
                                       hovertemplate="%{label}<br>%{customdata[0]} de la décision<extra></extra>",
                                       marker_colors=["#bf0000", "#8a1538", "#1f77b4", "#c9ccd3"]))
                fig.update_layout(height=300, margin=dict(l=5, r=5, t=40, b=5),
                                  title=f"Poids de chaque modèle dans la combinaison<br><sup>"
                                        f"{FUSION_INPUTS.get(r.fusion_inputs, r.fusion_inputs)}</sup>")
                chart(fig, key="why_fusion")
            elif "fusion-late" in loaded.models:
                st.caption("La combinaison des modèles n'a pas pu se prononcer sur ce produit.")
            else:
                st.caption("Pas de combinaison de modèles chargée : la décision vient d'un modèle seul.")

        img_model = next((m for n, m in loaded.models.items() if m.kind == "image" and n in r.per_model), None)
        if img_model is not None and saved.get("image") and r.code is not None:
            with st.expander("Ce que regarde le modèle image (carte d'occlusion)"):
                st.caption("Chaque case de la photo est masquée tour à tour ; en rouge, les zones dont l'absence fait "
                           f"le plus baisser la probabilité de « {name_of(r.code)} » pour le modèle image.")
                if st.button("Calculer la carte (quelques secondes)", key="occ_go"):
                    from eshoppye import explain

                    try:
                        with st.spinner("Le modèle image regarde la photo case par case…"):
                            heat = explain.occlusion_map(img_model, saved["image"], r.code)
                        st.session_state["occ"] = (saved.get("sig"), explain.overlay(saved["image"], heat))
                    except EshoppyeError as exc:
                        st.error(f"Carte impossible : {exc}")
                occ = st.session_state.get("occ")
                if occ and occ[0] == saved.get("sig"):
                    st.image(occ[1], width=320)

        with st.expander("Temps de calcul et texte lu par les modèles"):
            times = pd.DataFrame({"modèle": list(r.seconds), "temps": [fmt.seconds(v) for v in r.seconds.values()]})
            st.dataframe(times, hide_index=True)
            from eshoppye.text import strip_html

            st.markdown("**Titre saisi (affiché tel quel, inerte)**")
            st.code(saved["title"][:2000] or "(vide)", language=None, wrap_lines=True)
            if saved["desc"]:
                st.markdown("**Description après retrait du HTML**")
                st.code(strip_html(saved["desc"])[:2000], language=None, wrap_lines=True)

# ================================================================================================
# batch
# ================================================================================================
with tab_batch:
    st.markdown(f"Téléversez un CSV avec une colonne `designation` (et facultativement `description`, "
                f"`productid`, `imageid`, `image_path`) : vous récupérez les mêmes colonnes que "
                f"`eshoppye predict` (`prdtypecode`, `category`, `confidence`, `decided_by`, une colonne par modèle). "
                f"{fr_int(MAX_BATCH_ROWS)} produits au plus ici ; au-delà, utilisez la ligne de commande.")
    template = pd.DataFrame({"designation": ["Manette sans fil pour PS4 noire", "Bâche de piscine ronde 4 m",
                                             "Harry Potter à l'école des sorciers - poche"],
                             "description": ["Compatible Playstation 4, vibrations.", "", "<p>Roman jeunesse</p>"]})
    st.download_button("Télécharger un fichier d'exemple", template.to_csv(index=False).encode("utf-8"),
                       file_name="produits_exemple.csv", mime="text/csv", key="batch_template")
    up_csv = st.file_uploader("Fichier CSV de produits", key="batch_upload")
    if up_csv is not None:
        from eshoppye.config import default_data_dir
        from eshoppye.products import read_products

        try:
            table = read_products(up_csv.getvalue(), up_csv.name)
        except EshoppyeError as exc:
            st.error(f"Fichier refusé : {exc}")
            table = None
        if table is not None:
            if len(table.frame) > MAX_BATCH_ROWS:
                st.warning(f"{fr_int(len(table.frame))} produits : seuls les {fr_int(MAX_BATCH_ROWS)} premiers sont "
                           "classés ici (utilisez `eshoppye predict` pour le reste).")
                table.frame = table.frame.head(MAX_BATCH_ROWS)
            if "image_path" in table.frame:  # only relative paths inside the data folder or the repository
                from pathlib import PurePath
                for i, p in table.frame["image_path"].items():
                    p = str(p or "").strip()
                    if p and (PurePath(p).is_absolute() or ".." in PurePath(p).parts):
                        table.problems.append(f"ligne {table.frame.at[i, '_line']}: chemin d'image refusé "
                                              f"(absolu ou hors du dossier) : {p[:80]}")
                        table.frame.at[i, "image_path"] = ""
            images_dir = default_data_dir() / "images"
            try:
                bar = st.progress(0.0, text=f"Classification de {fr_int(len(table.frame))} produit(s)…")

                def on_batch(done: int, total: int, left: float | None) -> None:
                    rest = f" · reste environ {fmt.seconds(left)}" if left else ""
                    bar.progress(done / max(total, 1), text=f"{fr_int(done)} / {fr_int(total)} produits classés{rest}")

                if app_models.needs_image_stack(table.frame) and not loaded.complete:
                    loaded = get_models(with_image=True)
                out = app_views.predict_in_batches(loaded.models, table, images_dir if images_dir.is_dir() else None,
                                                   on_batch)
                bar.empty()
            except EshoppyeError as exc:
                st.error(f"Classification impossible : {exc}")
                out = None
            except Exception as exc:  # noqa: BLE001
                st.error(f"Classification impossible ({exc.__class__.__name__}).")
                out = None
            if table.problems:
                with st.expander(f"⚠️ {len(table.problems)} problème(s) signalé(s)", expanded=len(table.problems) <= 5):
                    for p in table.problems[:200]:
                        st.markdown(f"- {md_escape(p, 300)}")
            if out is not None:
                done = int(out["prdtypecode"].notna().sum()) if len(out) else 0
                m1, m2, m3 = st.columns(3)
                m1.metric("Produits lus", fr_int(len(out)))
                m2.metric("Produits classés", fr_int(done))
                m3.metric("Problèmes", fr_int(len(table.problems)))
                st.dataframe(out.head(500), hide_index=True, width="stretch")
                with st.expander("Que contiennent les colonnes ajoutées ?"):
                    for col, meaning in app_views.BATCH_COLUMNS_FR.items():
                        st.markdown(f"- `{col}` : {meaning}")
                buf = io.StringIO()
                from eshoppye.output import escape_formulas

                escape_formulas(out).to_csv(buf, index=False)  # no formula runs in a spreadsheet
                st.download_button("Télécharger les prédictions (CSV)", buf.getvalue().encode("utf-8"),
                                   file_name="predictions.csv", mime="text/csv", type="primary",
                                   key="batch_download")
