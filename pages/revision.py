"""Révision: the products the models were unsure of, one at a time, for a person to confirm or
correct; progress, and the models' precision per category measured from the reviews so far.

The page only lays out widgets and calls :mod:`eshoppye.review`; every text of a product is shown
inert (escaped Markdown or a table cell). A database that cannot be reached is one French line.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from eshoppye import fmt
from eshoppye.categories import CODES, label
from eshoppye.errors import EshoppyeError
from eshoppye.review import ReviewUnavailable
from pages._shared import fr_int, fr_pct, md_escape, page_setup

PENDING, REVIEWED = "À revoir", "Déjà revus"
VERDICT_FR = {"confirmed": "confirmé", "corrected": "corrigé", "unclassifiable": "non classable"}
ALT_KEYS = ("1", "2", "3", "4", "5")
UPCOMING = 25

page_setup("Révision des produits incertains", "🔎")
st.caption("Les produits dont les modèles étaient peu sûrs (`eshoppye predict --review-below 0.6`) et les "
           "retours donnés sur la page Classifier. Chaque verdict est conservé : un nouveau verdict remplace "
           "le précédent sans l'effacer, et les produits corrigés repartent à l'entraînement "
           "(`eshoppye reviews export --out DOSSIER` puis `eshoppye train --extra DOSSIER`).")

try:
    from eshoppye.review import store
    from eshoppye.review.db import describe

    categories = store.categories_in_queue()
except ReviewUnavailable as exc:
    st.error(f"Révision indisponible : {md_escape(exc)}. Le reste de l'application fonctionne normalement.")
    st.stop()


def _reset_position() -> None:
    st.session_state["rev_skip"] = 0
    st.session_state.pop("rev_focus", None)


def _record(item_id: int, verdict: str, code: int | None, seen: int | None, shown: str) -> None:
    """Callback of the verdict buttons: store, then say what happened on the next run."""
    reviewer = st.session_state.get("rev_name", "")
    try:
        rec = store.record_verdict(item_id, verdict, code, reviewer=reviewer, seen_review_id=seen)
    except EshoppyeError as exc:
        st.session_state["rev_msg"] = ("error", f"Verdict non enregistré : {exc}")
        return
    msg = f"Verdict enregistré : {shown}."
    level = "success"
    if rec.others:
        who = ", ".join(sorted({o.reviewer for o in rec.others}))
        msg += (f" Attention : {who} a revu ce produit pendant ce temps ; les deux verdicts sont conservés, "
                "le plus récent (le vôtre) compte.")
        level = "warning"
    st.session_state["rev_msg"] = (level, msg)
    st.session_state.pop("rev_focus", None)


def _skip() -> None:
    st.session_state["rev_skip"] = st.session_state.get("rev_skip", 0) + 1
    st.session_state.pop("rev_focus", None)


def _correct_from_select(item_id: int, seen: int | None) -> None:
    code = st.session_state.get(f"rev_other_{item_id}")
    if code is None:
        st.session_state["rev_msg"] = ("error", "Choisissez d'abord la bonne catégorie dans la liste.")
        return
    _record(item_id, "corrected", code, seen, f"corrigé en {label(code)}")


# -- filters and progress -------------------------------------------------------------------------
top = st.columns([2, 2, 1.8, 1.6])
top[0].text_input("Votre nom (enregistré avec chaque verdict)", key="rev_name", placeholder="par exemple : Camille")
category = top[1].selectbox("Catégorie décidée par les modèles", [None, *categories], key="rev_category",
                            format_func=lambda c: "Toutes les catégories" if c is None else label(c),
                            on_change=_reset_position)
mode = top[2].radio("Produits", [PENDING, REVIEWED], key="rev_mode", horizontal=True, on_change=_reset_position)
disagreement = top[3].toggle("Désaccords seuls", key="rev_disagree", on_change=_reset_position,
                             help="Seulement les produits dont les modèles ne donnent pas la même première réponse")

try:
    done, total = store.progress(category=category, disagreement=disagreement)
    status = "pending" if mode == PENDING else "reviewed"
    skip = st.session_state.get("rev_skip", 0)
    focus_id = st.session_state.get("rev_focus")
    focus = store.get(focus_id) if focus_id is not None else None
    batch = store.queue(status, category=category, disagreement=disagreement, limit=UPCOMING + 1,
                        offset=0 if focus is not None else skip)
except ReviewUnavailable as exc:
    st.error(f"Révision indisponible : {md_escape(exc)}. Le reste de l'application fonctionne normalement.")
    st.stop()

st.progress(done / total if total else 0.0, text=f"{fr_int(done)} / {fr_int(total)} revus")
st.caption(f"Base de révision : {md_escape(describe())}")

msg = st.session_state.pop("rev_msg", None)
if msg:
    {"success": st.success, "warning": st.warning, "error": st.error}[msg[0]](md_escape(msg[1], 600))

item = focus if focus is not None else (batch[0] if batch else None)
if item is None:
    if total == 0:
        st.info("La file de révision est vide. Classez un fichier avec `eshoppye predict --input produits.csv "
                "--output sortie.csv --review-below 0.6` : les produits de confiance inférieure à 0,6 arrivent ici.")
    elif mode == PENDING and skip:
        st.info("Fin de la file pour ces filtres (produits passés compris).")
        st.button("Revenir au début de la file", on_click=_reset_position, key="rev_restart")
    elif mode == PENDING:
        st.success("Tous les produits de ces filtres sont revus. Merci !")
    else:
        st.info("Aucun produit revu pour ces filtres.")

# -- the product under review --------------------------------------------------------------------
if item is not None:
    seen = item.verdict.id if item.verdict is not None else None
    with st.container(border=True, key="rev_card"):
        img_col, text_col = st.columns([1, 2.4], gap="large")
        with img_col:
            path = Path(item.image_ref) if item.image_ref else None
            if path is not None and path.is_file():
                try:
                    st.image(str(path), width=240)
                except Exception:  # noqa: BLE001 - an unreadable photo must not break the page
                    st.caption("Photo illisible.")
            else:
                st.caption("Pas de photo pour ce produit.")
        with text_col:
            from eshoppye.text import strip_html

            st.markdown(f"#### {md_escape(item.designation, 300) or '(sans titre)'}")
            if item.description:
                st.caption(md_escape(strip_html(item.description), 500))
            ident = f"productid {item.productid}" if item.productid is not None else "retour de l'application"
            st.markdown(
                f"Décision des modèles : **{md_escape(label(item.decision)) if item.decision is not None else 'aucune'}**"
                f" · confiance **{fr_pct(item.confidence, 0)}** · par {md_escape(item.decided_by or '?')}"
                + (" · :orange-badge[modèles en désaccord]" if item.disagree else ""))
            st.caption(f"{md_escape(ident)} · n° {item.id}")
            if item.verdict is not None:
                v = item.verdict
                st.markdown(f"Verdict actuel : **{VERDICT_FR.get(v.verdict, v.verdict)}**"
                            + (f" → {md_escape(label(v.code))}" if v.code is not None else "")
                            + f" par {md_escape(v.reviewer)} ({len(item.history)} verdict(s) au total)")
        rows = []
        for model, top3 in sorted(item.top3.items()):
            cells = {"modèle": model, "version": item.model_versions.get(model, "")}
            for rank, (code, p) in enumerate(top3[:3], 1):
                cells[f"{rank}ᵉ choix" if rank > 1 else "1er choix"] = f"{label(code)} ({fr_pct(p, 0)})"
            rows.append(cells)
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

        # verdict buttons: one click (and a keyboard shortcut) each
        candidates = []
        for top3 in item.top3.values():
            for code, _ in top3[:3]:
                if code != item.decision and code not in candidates:
                    candidates.append(code)
        candidates = candidates[:len(ALT_KEYS)]
        b = st.columns([1.3] + [1] * len(candidates) if candidates else [1])
        if item.decision is not None:
            b[0].button(f"✅ Confirmer : {label(item.decision)}", type="primary", key=f"rev_ok_{item.id}",
                        shortcut="V", on_click=_record, width="stretch",
                        args=(item.id, "confirmed", item.decision, seen, f"{label(item.decision)} confirmé"))
        for k, code in enumerate(candidates):
            b[k + 1].button(f"{ALT_KEYS[k]} · {label(code)}", key=f"rev_alt_{item.id}_{code}", shortcut=ALT_KEYS[k],
                            on_click=_record, width="stretch",
                            args=(item.id, "corrected", code, seen, f"corrigé en {label(code)}"))
        o1, o2, o3, o4 = st.columns([2.2, 1, 1, 1])
        o1.selectbox("Autre catégorie", [None, *CODES], key=f"rev_other_{item.id}", label_visibility="collapsed",
                     format_func=lambda c: "Autre catégorie…" if c is None else label(c))
        o2.button("Corriger", key=f"rev_fix_{item.id}", on_click=_correct_from_select, args=(item.id, seen),
                  shortcut="K", width="stretch")
        o3.button("🚫 Non classable", key=f"rev_none_{item.id}", shortcut="N", width="stretch",
                  on_click=_record, args=(item.id, "unclassifiable", None, seen, "non classable"))
        if mode == PENDING:
            o4.button("Passer ⏭", key=f"rev_skip_{item.id}", shortcut="S", on_click=_skip, width="stretch")
        st.caption("Raccourcis clavier : **V** confirmer · **1** à **5** catégories proposées · **K** corriger avec "
                   "la catégorie choisie · **N** non classable · **S** passer.")
        if len(item.history) > 1:
            with st.expander(f"Historique des verdicts ({len(item.history)})"):
                st.dataframe(pd.DataFrame([{
                    "quand": str(v.created)[:19], "qui": v.reviewer, "verdict": VERDICT_FR.get(v.verdict, v.verdict),
                    "catégorie": label(v.code) if v.code is not None else ""} for v in item.history]),
                    hide_index=True, width="stretch")

# -- the rest of the queue ------------------------------------------------------------------------
upcoming = [it for it in batch if item is None or it.id != item.id][:UPCOMING]
if upcoming:
    st.subheader("Suite de la file" if mode == PENDING else "Produits revus")
    table = pd.DataFrame([{
        "confiance": it.confidence, "décision": label(it.decision) if it.decision is not None else "",
        "désaccord": "oui" if it.disagree else "", "titre": it.designation[:200],
        "verdict": (VERDICT_FR.get(it.verdict.verdict, "") + (f" → {label(it.verdict.code)}" if it.verdict.code else ""))
        if it.verdict else "", "n°": it.id} for it in upcoming])
    # keyed by the product on screen, so that a selection never outlives the product it chose
    event = st.dataframe(table, hide_index=True, width="stretch", key=f"rev_table_{item.id if item else 0}",
                         on_select="rerun",
                         selection_mode="single-row",
                         column_config={"confiance": st.column_config.ProgressColumn(
                             "confiance", min_value=0.0, max_value=1.0, format="percent")})
    st.caption("Cliquez sur une ligne pour revoir ce produit tout de suite.")
    picked = getattr(getattr(event, "selection", None), "rows", None) or []
    if picked:
        chosen = int(table.iloc[picked[0]]["n°"])
        if st.session_state.get("rev_focus") != chosen:
            st.session_state["rev_focus"] = chosen
            st.rerun()

# -- precision of the models from the reviews ---------------------------------------------------
st.subheader("Précision des modèles d'après les révisions")
try:
    prec = pd.DataFrame(store.precision_by_category())
except ReviewUnavailable as exc:
    st.error(f"Révision indisponible : {md_escape(exc)}")
    prec = pd.DataFrame()
if prec.empty:
    st.caption("Pas encore de verdict qui nomme une catégorie : la précision par catégorie apparaîtra ici.")
else:
    prec["catégorie"] = [label(c) for c in prec["category"]]
    fig = go.Figure()
    for model, part in prec.groupby("model", sort=False):
        fig.add_bar(x=part["catégorie"], y=part["precision"], name=str(model),
                    customdata=[[k, n, fmt.pct(p, 0)] for k, n, p in
                                zip(part["correct"], part["reviewed"], part["precision"])],
                    textposition="outside", cliponaxis=False,
                    text=[f"{k}/{n}" for k, n in zip(part["correct"], part["reviewed"])],
                    hovertemplate="%{x}<br>" + html.escape(str(model)) + " : %{customdata[2]} (%{customdata[0]} "
                                  "justes sur %{customdata[1]} revus)<extra></extra>")
    ticks = [0, 0.25, 0.5, 0.75, 1]
    fig.update_layout(barmode="group", height=380, margin=dict(l=5, r=5, t=10, b=5),
                      yaxis=dict(range=[0, 1.12], tickvals=ticks, ticktext=[fmt.pct(v, 0) for v in ticks],
                                 title="précision"),
                      xaxis=dict(automargin=True), legend=dict(orientation="h", y=-0.35),
                      separators=fmt.PLOTLY_SEPARATORS)
    st.plotly_chart(fig, width="stretch", key="rev_precision", config={"displayModeBar": False})
    st.caption("Pour chaque catégorie qu'un modèle a proposée en premier sur un produit revu : part des cas où la "
               "personne a retenu cette catégorie (produits « non classables » exclus) ; au-dessus de chaque barre, "
               "justes / revus. Peu de révisions = chiffres fragiles.")
