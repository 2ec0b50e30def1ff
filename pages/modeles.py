"""Modèles: every evaluated model side by side, the original project's text families as a group
("modèles d'origine") with their story, per-class F1, confusion matrix, confused pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from eshoppye import app_state, explore, fmt, model_views
from eshoppye.categories import CODES, label
from eshoppye.errors import EshoppyeError
from pages._shared import (chart, code_span, MODEL_BLURB, ORIGINAL_BLURB, fr_int, get_dataset, get_models,
                           md_escape, page_setup, read_metrics_safe, shipped_models)

page_setup("Modèles", "🧠")
metrics, error = read_metrics_safe()
if error:
    st.error(f"Impossible de lire les métriques : {error}")
    st.stop()
if not metrics.get("models"):
    st.info(f"Aucune métrique dans {code_span(app_state.metrics_path())}. Entraînez et évaluez les modèles avec "
            "`eshoppye train --models all --out models/` (écrit aussi reports/metrics.json).")
    st.stop()

meta = metrics.get("data", {})
split = metrics.get("split", {})
sizes = split.get("sizes", {})
evaluated_on = split.get("evaluated_on", "test")
src = "catalogue d'exemple **synthétique**" if meta.get("synthetic") else f"données {code_span(meta.get('dir', '?'))}"
st.markdown(f"Évaluation sur la partie **{evaluated_on}** ({fr_int(sizes.get(evaluated_on, 0))} produits) du "
            f"{src} : {fr_int(meta.get('n_rows', 0))} produits, empreinte `{meta.get('fingerprint', '?')}`, "
            f"découpage stratifié graine {split.get('seed', '?')}.")
if meta.get("synthetic"):
    st.caption("🧪 Sur des produits synthétiques, les scores mesurent la chaîne de traitement, pas la difficulté "
               "du vrai catalogue Rakuten.")

table = model_views.models_table(metrics)
# The original families the app does not ship (only measured) appear in their own group below.
shipped = shipped_models()
measured_only = [n for n in table["modèle"] if n in ORIGINAL_BLURB and shipped and n not in shipped]
if len(measured_only) < len(table):
    table = table[~table["modèle"].isin(measured_only)].reset_index(drop=True)
st.subheader("Vue d'ensemble")
# the quality columns first; costs (size, latency, training time) in a second table so that
# neither is wider than the page
shown = table.assign(**{"taille": [fmt.megabytes(v) for v in table["taille (Mo)"]]})
st.dataframe(
    shown[["modèle", "type", "F1 pondéré", "F1 pondéré (dev)", "F1 macro", "exactitude", "couverture"]],
    hide_index=True, width="stretch",
    column_config={
        "F1 pondéré": st.column_config.ProgressColumn(format="localized", min_value=0.0, max_value=1.0,
                                                      help="métrique officielle du challenge, sur la partie test "
                                                           "des données d'entraînement"),
        "F1 pondéré (dev)": st.column_config.ProgressColumn(
            format="localized", min_value=0.0, max_value=1.0,
            help="jeu de développement data/dev : annonces réalistes écrites à la main, jamais apprises "
                 "(titres ; photo seule pour image-effnet)"),
        "F1 macro": st.column_config.NumberColumn(format="localized"),
        "exactitude": st.column_config.NumberColumn(format="localized"),
        "couverture": st.column_config.NumberColumn(format="percent",
                                                    help="part des produits pour lesquels le modèle a pu répondre"),
    })
costs = pd.DataFrame({"modèle": table["modèle"], "version": table["version"], "taille": shown["taille"],
                      "latence p50": [fmt.num(v, 1) + " ms" if v == v and v is not None else fmt.NA
                                      for v in table["latence p50 (ms)"]],
                      "latence p95": [fmt.num(v, 1) + " ms" if v == v and v is not None else fmt.NA
                                      for v in table["latence p95 (ms)"]],
                      "débit": [fmt.num(v) + " produits/s" if v == v and v is not None else fmt.NA
                                for v in table["débit (produits/s)"]],
                      "entraînement": [fmt.seconds(v) for v in table["entraînement (s)"]]})
st.dataframe(costs, hide_index=True, width="stretch",
             column_config={"latence p50": st.column_config.TextColumn(help="un produit à la fois"),
                            "débit": st.column_config.TextColumn(help="par lot")})
dev_line = model_views.dev_decision_line(metrics)
if dev_line:
    st.caption(dev_line)
calib = model_views.dev_calibration_bars(metrics)
calib_line = model_views.dev_calibration_sentence(metrics)
if calib is not None and calib_line:
    fig = go.Figure()
    for col, name, color in (("confidence", "confiance annoncée", "#c9ccd3"),
                             ("accuracy", "exactitude observée", "#bf0000")):
        fig.add_trace(go.Bar(x=calib["bin"], y=calib[col], name=name, marker_color=color,
                             text=calib[f"{col}_fr"], textposition="outside", cliponaxis=False,
                             customdata=calib[["n_fr", f"{col}_fr"]].to_numpy(),
                             hovertemplate=f"{name} : %{{customdata[1]}}<br>%{{customdata[0]}} annonces<extra></extra>"))
    ticks = [0, 0.25, 0.5, 0.75, 1]
    fig.update_layout(barmode="group", height=300, margin=dict(l=10, r=10, t=40, b=10),
                      title=dict(text="Fiabilité de la confiance (jeu de développement)", font_size=14),
                      legend=dict(orientation="h", y=1.12, title=""),
                      yaxis=dict(range=[0, 1.15], tickvals=ticks, ticktext=[fmt.pct(v, 0) for v in ticks]),
                      xaxis=dict(type="category", title="confiance annoncée par la décision"))
    chart(fig, key="dev_calibration")
    st.caption(calib_line)
with st.expander("Principe de chaque modèle"):
    for name in table["modèle"]:
        st.markdown(f"- **{name}** : {MODEL_BLURB.get(name, '')}")

# -- the original project's families ------------------------------------------------------------------
st.subheader("Modèles d'origine : Conv1D, LSTM, GRU, Bi-LSTM")
for line in model_views.original_story(metrics):
    st.markdown(line)
origins = model_views.original_models_table(metrics)
if len(origins):
    st.dataframe(
        origins, hide_index=True, width="stretch", key="origins_table",
        column_config={
            "F1 pondéré (test)": st.column_config.NumberColumn(
                format="%.3f", help=f"partie {evaluated_on} du {src.replace('**', '')}"),
            "F1 pondéré (dev)": st.column_config.TextColumn(
                help="jeu de développement data/dev/dev_set.csv, « — » tant qu'il n'a pas été évalué"),
            "F1 macro (test)": st.column_config.NumberColumn(format="%.3f"),
            "entraînement (s)": st.column_config.NumberColumn(format="%.0f"),
            "taille (Mo)": st.column_config.NumberColumn(format="%.2f"),
            "latence p50 (ms)": st.column_config.NumberColumn(format="%.1f", help="un produit à la fois"),
        })
    st.caption("Mêmes mots, même plongement (100 dimensions), même boucle d'entraînement, même arrêt "
               "précoce et même graine : seule la couche change. "
               + " · ".join(f"**{n}** : {ORIGINAL_BLURB[n]}" for n in origins["modèle"] if n in ORIGINAL_BLURB)
               + ". Seul text-bilstm est fourni avec l'application ; les autres sont mesurés, pas chargés.")
else:
    st.info("Les familles d'origine ne sont pas encore mesurées : `eshoppye train --models seed` "
            "(métriques seulement ; `--out DOSSIER` pour garder les modèles).")

score_cols = ["F1 pondéré", "F1 macro", "exactitude"]
long = table.melt(id_vars="modèle", value_vars=score_cols, var_name="mesure", value_name="score")
c1, c2 = st.columns([3, 2])
with c1:
    fig = px.bar(long, x="modèle", y="score", color="mesure", barmode="group", text_auto=".2f",
                 color_discrete_sequence=["#bf0000", "#8a1538", "#c9ccd3"])
    fig.update_layout(height=400, margin=dict(l=10, r=10, t=40, b=10), yaxis_range=[0, 1.05],
                      title="Scores sur la partie test", legend=dict(orientation="h", y=1.08, title=""))
    chart(fig)
with c2:
    sub = table.dropna(subset=["latence p50 (ms)"])
    if len(sub):
        fig = px.scatter(sub, x="latence p50 (ms)", y="F1 pondéré", text="modèle",
                         size=sub["taille (Mo)"].fillna(0.01).clip(lower=0.01), size_max=45, log_x=True,
                         color="type", color_discrete_map={"texte": "#bf0000", "image": "#1f77b4", "fusion": "#8a1538"})
        fig.update_traces(textposition="top center")
        lo, hi = float(sub["latence p50 (ms)"].min()), float(sub["latence p50 (ms)"].max())
        ticks = [v for v in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
                 if lo / 3 <= v <= hi * 3]
        fig.update_xaxes(tickvals=ticks, ticktext=[fmt.num(v, 1 if v < 1 else 0) for v in ticks],
                         title="latence d'un produit (ms, échelle log)")
        fig.update_layout(height=400, margin=dict(l=10, r=10, t=40, b=10),
                          title="Qualité, latence et taille (bulle)", legend=dict(orientation="h", y=-0.2))
        chart(fig)

c3, c4 = st.columns(2)
with c3:
    fig = px.bar(table, x="modèle", y="taille (Mo)", text=shown["taille"], color_discrete_sequence=["#8a1538"])
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=40, b=10), title="Taille sur disque (Mo)")
    chart(fig)
with c4:
    fig = px.bar(table, x="modèle", y=["latence p50 (ms)", "latence p95 (ms)"], barmode="group",
                 color_discrete_sequence=["#bf0000", "#c9ccd3"])
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=40, b=10), title="Latence d'un produit (ms)",
                      legend=dict(orientation="h", y=1.1, title=""), yaxis_title="ms")
    chart(fig)

# -- per-class F1 -------------------------------------------------------------------------------------
st.subheader("F1 par catégorie")
pcf = model_views.per_class_f1(metrics).reindex(list(table["modèle"]))
fig = px.imshow(pcf.to_numpy(dtype=float), x=list(pcf.columns), y=list(pcf.index), zmin=0, zmax=1,
                color_continuous_scale="RdYlGn", aspect="auto", text_auto=".2f")
fig.update_traces(textfont_size=10)
fig.update_layout(height=140 + 45 * len(pcf), margin=dict(l=10, r=10, t=20, b=10), xaxis_tickangle=-45,
                  coloraxis_colorbar=dict(title="F1"))
fig.update_traces(customdata=fmt.grid(pcf.to_numpy(dtype=float), fmt.score),
                  hovertemplate="%{y}<br>%{x}<br>F1 = %{customdata}<extra></extra>")
with st.container(key="wide_only_f1"):  # hidden at phone width (assets/style.css)
    chart(fig, key="f1_wide")
with st.container(key="narrow_only_f1"):  # phone width: one row per category, one column per model
    f1t = pcf.T
    fig = go.Figure(go.Heatmap(
        z=f1t.to_numpy(dtype=float), x=list(f1t.columns), y=[model_views.short_label(c, 16) for c in CODES],
        zmin=0, zmax=1, colorscale="RdYlGn", showscale=False, xgap=1, ygap=1,
        text=fmt.grid(f1t.to_numpy(dtype=float), fmt.score, digits=2),
        texttemplate="%{text}", textfont_size=10,
        hovertemplate="%{y}<br>%{x}<br>F1 = %{text}<extra></extra>"))
    fig.update_layout(height=110 + 24 * len(CODES), margin=dict(l=5, r=5, t=10, b=5),
                      yaxis=dict(autorange="reversed", tickfont_size=10, type="category"),
                      xaxis=dict(side="top", tickangle=-35, tickfont_size=10))
    chart(fig, key="f1_narrow")

# -- confusion matrix ---------------------------------------------------------------------------------
st.subheader("Matrice de confusion")
names = list(table["modèle"]) + [n for n in origins.get("modèle", []) if n not in set(table["modèle"])]
m1, m2 = st.columns([2, 1])
chosen = m1.selectbox("Modèle", names, key="cm_model")
normalize = m2.toggle("En % de la catégorie réelle", value=True, key="cm_norm")
entry = metrics["models"][chosen]
cm = np.asarray(entry.get("confusion") or [], dtype=float)
classes = [int(c) for c in metrics.get("classes", CODES)]
if cm.shape != (len(classes), len(classes)):
    st.warning("Matrice de confusion absente ou mal formée pour ce modèle.")
else:
    support = cm.sum(axis=1, keepdims=True)
    shown = np.divide(cm, support, out=np.zeros_like(cm), where=support > 0) if normalize else cm
    labels_ = [label(c) for c in classes]
    share = np.divide(cm, support, out=np.zeros_like(cm), where=support > 0)
    cells = [[[fmt.integer(n), fmt.pct(f)] for n, f in zip(rn, rf)] for rn, rf in zip(cm, share)]
    fig = go.Figure(go.Heatmap(
        z=shown, x=labels_, y=labels_, colorscale="Reds", customdata=cells,
        colorbar=dict(tickvals=[0, 0.25, 0.5, 0.75, 1], ticktext=[fmt.pct(v, 0) for v in (0, 0.25, 0.5, 0.75, 1)])
        if normalize else None,
        hovertemplate="réel : %{y}<br>prédit : %{x}<br>%{customdata[0]} produits (%{customdata[1]} de la "
                      "catégorie réelle)<extra></extra>"))
    fig.update_layout(height=760, margin=dict(l=10, r=10, t=20, b=10), xaxis_title="catégorie prédite",
                      yaxis_title="catégorie réelle", yaxis_autorange="reversed", xaxis_tickangle=-45)
    with st.container(key="wide_only_cm"):  # hidden at phone width (assets/style.css)
        chart(fig, key="cm_wide")
        st.caption("Survolez une case pour le détail ; zoomez en sélectionnant une zone, double-cliquez pour revenir.")
    with st.container(key="narrow_only_cm"):  # phone width: the most confused pairs, as bars
        bars = model_views.confusion_bars(cm.astype(int).tolist(), classes, k=12)
        if len(bars):
            value = bars["share"] if normalize else bars["count"]
            fig = go.Figure(go.Bar(
                x=value, y=bars["pair"], orientation="h", marker_color="#bf0000",
                text=[f"{sh} ({n} produit{'s' if c > 1 else ''})" if normalize else n
                      for sh, n, c in zip(bars["share_fr"], bars["count_fr"], bars["count"])],
                textposition="outside", cliponaxis=False,
                customdata=bars[["true_label", "pred_label", "count_fr", "share_fr"]].to_numpy(),
                hovertemplate="réel : %{customdata[0]}<br>prédit : %{customdata[1]}<br>%{customdata[2]} produits "
                              "(%{customdata[3]} de la catégorie réelle)<extra></extra>"))
            fig.update_layout(height=90 + 46 * len(bars), margin=dict(l=5, r=40, t=30, b=5),
                              title=dict(text="Les confusions les plus fréquentes", font_size=14),
                              yaxis=dict(autorange="reversed", tickfont_size=10, type="category"),
                              xaxis=dict(showticklabels=False, range=[0, float(value.max()) * (1.9 if normalize else 1.3)]))
            chart(fig, key="cm_narrow")
            st.caption("Sur un écran étroit, la matrice 27 × 27 laisse place aux paires les plus confondues "
                       + ("(part de la catégorie réelle)." if normalize else "(nombre de produits)."))

    # -- most confused pairs ------------------------------------------------------------------------
    st.subheader("Catégories les plus confondues")
    pairs = model_views.confused_pairs(cm.astype(int).tolist(), classes, k=10)
    if not pairs:
        st.success(f"{chosen} ne confond aucune catégorie sur la partie {evaluated_on}.")
    else:
        pdf = pd.DataFrame([{"catégorie réelle": label(p["true"]), "prédite à tort": label(p["pred"]),
                             "produits": p["count"], "part de la catégorie": fmt.pct(p["share"])} for p in pairs])
        st.dataframe(pdf, hide_index=True, width="stretch")
        pick = st.selectbox("Voir des exemples pour la paire", range(len(pairs)), key="pair_pick",
                            format_func=lambda i: f"{label(pairs[i]['true'])} → {label(pairs[i]['pred'])}")
        if st.button("Montrer des produits confondus", key="pair_go"):
            st.session_state["pair_examples"] = (chosen, pick)
        if st.session_state.get("pair_examples") == (chosen, pick):
            pair = pairs[pick]
            try:
                dataset, _ = get_dataset()
                loaded = get_models(with_image=True)
            except EshoppyeError as exc:
                st.error(str(exc))
                st.stop()
            if chosen not in loaded.models:
                st.warning(f"Le modèle {chosen} n'est pas chargé : impossible de retrouver les produits confondus.")
            else:
                from pages._shared import misclassified
                with st.spinner(f"Prédictions de {chosen} sur la partie {evaluated_on}…"):
                    try:
                        examples = misclassified(chosen, dataset, evaluated_on, pair["true"], pair["pred"])
                    except EshoppyeError as exc:
                        st.error(str(exc))
                        examples = None
                if dataset.fingerprint != meta.get("fingerprint"):
                    st.caption("Les données actuelles diffèrent de celles de l'évaluation : exemples tirés des "
                               "données actuelles.")
                if examples is not None and not len(examples):
                    st.info("Aucun exemple retrouvé sur les données actuelles.")
                elif examples is not None:
                    cols = st.columns(4)
                    for i, (_, row) in enumerate(examples.head(8).iterrows()):
                        with cols[i % 4].container(border=True):
                            thumb = explore.thumbnail(row.get("image_path", ""), 200)
                            if thumb is not None:
                                st.image(thumb, width="stretch")
                            st.markdown(f"**{md_escape(row['designation'], 90)}**")
                            st.caption(f"réel : {label(pair['true'])}  \nprédit : {label(pair['pred'])} "
                                       f"({fmt.pct(row['confidence'], 0)})")
