"""Données: class distribution, text lengths, missing descriptions, telling words, images, gallery.

Only the open tab is drawn (lazy tabs), and each tab's own widgets rerun only that tab (fragments):
a click on this page no longer redraws every chart and image."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from eshoppye import app_state, explore, fmt
from eshoppye.categories import CODES, TRAIN_COUNT, label
from eshoppye.errors import EshoppyeError
from pages._shared import chart, pct_axis, code_span, fr_int, fr_pct, get_aggregates, get_dataset, md_escape, page_setup

page_setup("Données", "📊")
info = app_state.data_description()
if info["synthetic"]:
    st.caption("🧪 Catalogue d'exemple **synthétique** (`data/sample/`) : produits fictifs au format du challenge.")
else:
    st.caption(f"✅ Données réelles du challenge ({code_span(info['shown'])}).")

try:
    dataset, index = get_dataset()
except EshoppyeError as exc:
    st.error(f"Impossible de lire les données : {exc}")
    st.stop()
for w in dataset.warnings:
    st.warning(f"Lecture des données : {w}")
agg = get_aggregates(dataset)
frame = dataset.frame
LABELS = {c: label(c) for c in CODES}

n = agg["n_rows"]
mo = agg["missing_overall"]
c1, c2, c3, c4 = st.columns(4)
c1.metric("Produits", fr_int(n))
c2.metric("Catégories présentes", str(sum(1 for v in agg["classes"].values() if v)))
c3.metric("Sans description", fr_pct(mo["without_description"] / max(n, 1)))
c4.metric("Avec image", fr_pct(agg["image_sizes"]["with_image"] / max(n, 1)))

tab_classes, tab_text, tab_words, tab_images, tab_gallery = st.tabs(
    ["Catégories", "Textes", "Mots caractéristiques", "Images", "Galerie"], key="don_tab", on_change="rerun")

# -- class distribution -------------------------------------------------------------------------
def classes_tab() -> None:
    dist = pd.DataFrame({"catégorie": [LABELS[c] for c in CODES],
                         "produits": [agg["classes"][str(c)] for c in CODES],
                         "réel": [TRAIN_COUNT[c] for c in CODES]})
    dist["part"] = dist["produits"] / max(dist["produits"].sum(), 1)
    dist["part réelle"] = dist["réel"] / sum(TRAIN_COUNT.values())
    dist = dist.sort_values("produits")
    fig = go.Figure()
    fig.add_bar(y=dist["catégorie"], x=dist["part"], orientation="h", name="données utilisées",
                marker_color="#bf0000", customdata=dist["produits"],
                text=[fmt.pct(v) for v in dist["part"]], textposition="none",
                hovertemplate="%{y}<br>%{customdata} produits (%{text})<extra></extra>")
    fig.add_bar(y=dist["catégorie"], x=dist["part réelle"], orientation="h", name="challenge réel",
                marker_color="#c9ccd3", customdata=dist["réel"],
                text=[fmt.pct(v) for v in dist["part réelle"]], textposition="none",
                hovertemplate="%{y}<br>%{customdata} produits dans le challenge (%{text})<extra></extra>")
    fig.update_layout(barmode="group", height=760, margin=dict(l=10, r=10, t=80, b=10),
                      title="Part de chaque catégorie", legend=dict(orientation="h", y=1.0, yanchor="bottom"),
                      yaxis=dict(type="category", automargin=True))
    pct_axis(fig, "xaxis", max(dist["part"].max(), dist["part réelle"].max()))
    chart(fig)
    ratio = dist["produits"].max() / max(dist["produits"].min(), 1)
    st.caption(f"Déséquilibre : la plus grande catégorie compte {fmt.num(ratio, 1)} fois plus de produits que la plus "
               "petite ; c'est pourquoi la métrique officielle est le F1 pondéré.")

# -- text lengths and missing descriptions --------------------------------------------------------
@st.fragment
def text_tab() -> None:
    left, right = st.columns(2)
    with left:
        which = st.radio("Longueur de", ["titre (caractères)", "titre (mots)", "description (caractères)"],
                         horizontal=True, key="len_kind")
        key = {"titre (caractères)": "title_chars", "titre (mots)": "title_words",
               "description (caractères)": "description_chars"}[which]
        hist = agg["lengths"]["overall"][key]["hist"]
        edges = np.asarray(hist["edges"])
        fig = go.Figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=hist["counts"], width=np.diff(edges),
                               marker_color="#bf0000",
                               hovertemplate="≈ %{x:.0f}<br>%{y} produits<extra></extra>"))
        q = agg["lengths"]["overall"][key]
        fig.update_layout(height=360, margin=dict(l=10, r=10, t=40, b=10), bargap=0.05,
                          title=f"Distribution ({which}) — médiane {fmt.num(q['median'])}, 95{fmt.NNBSP}% sous {fmt.num(q['p95'])}",
                          xaxis_title=which, yaxis_title="produits")
        chart(fig)
    with right:
        miss = pd.DataFrame({"catégorie": [LABELS[c] for c in CODES],
                             "sans description": [agg["missing"][str(c)]["without_description"] /
                                                  max(agg["missing"][str(c)]["products"], 1) for c in CODES]})
        miss = miss.sort_values("sans description")
        fig = px.bar(miss, x="sans description", y="catégorie", orientation="h",
                     color_discrete_sequence=["#8a1538"])
        fig.update_traces(text=[fmt.pct(v) for v in miss["sans description"]], textposition="none",
                          hovertemplate="%{y}<br>%{text} sans description<extra></extra>")
        pct_axis(fig, "xaxis", miss["sans description"].max())
        fig.update_layout(height=420, margin=dict(l=10, r=10, t=40, b=10), yaxis_type="category",
                          title=f"Sans description : {fr_pct(mo['without_description'] / max(n, 1))} au total",
                          yaxis_title="")
        chart(fig)
        st.caption(f"{fr_int(mo['with_html'])} descriptions contiennent du HTML (retiré avant la classification).")
    per = agg["lengths"]["per_class"]
    fig = go.Figure()
    for c in CODES:
        s = per[str(c)][key]
        if s["max"] == 0 and key == "description_chars":
            continue
        fig.add_trace(go.Box(name=LABELS[c], x=[LABELS[c]], q1=[s["q1"]], median=[s["median"]], q3=[s["q3"]],
                             lowerfence=[s["min"]], upperfence=[s["p95"]], mean=[s["mean"]],
                             marker_color="#bf0000", showlegend=False))
    fig.update_layout(height=460, margin=dict(l=10, r=10, t=40, b=10),
                      title=f"{which.capitalize()} par catégorie (boîte : quartiles ; moustaches : min – 95e centile)",
                      xaxis_tickangle=-45, xaxis_type="category", yaxis_title=which)
    chart(fig)

# -- telling words ---------------------------------------------------------------------------------
@st.fragment
def words_tab() -> None:
    st.markdown("Les mots des titres les plus **spécifiques** de chaque catégorie : fréquents dans la "
                "catégorie et rares ailleurs (score = P(mot | catégorie) × log(P(mot | catégorie) / P(mot))).")
    code = st.selectbox("Catégorie", CODES, format_func=lambda c: LABELS[c], key="words_code",
                        index=CODES.index(2583) if 2583 in CODES else 0)
    words = agg["words"].get(str(code), [])
    if not words:
        st.info("Pas assez de produits dans cette catégorie pour dégager des mots caractéristiques.")
    else:
        wdf = pd.DataFrame(words, columns=["mot", "score", "produits"]).iloc[::-1]
        fig = px.bar(wdf, x="score", y="mot", orientation="h", hover_data=["produits"],
                     color_discrete_sequence=["#bf0000"])
        fig.update_layout(height=420, margin=dict(l=10, r=10, t=40, b=10), yaxis_title="", yaxis_type="category",
                          title=f"Mots caractéristiques : {LABELS[code]}")
        chart(fig)
    with st.expander("Les 5 premiers mots de chaque catégorie"):
        table = pd.DataFrame({"catégorie": [LABELS[c] for c in CODES],
                              "mots": [", ".join(w for w, _, _ in agg["words"].get(str(c), [])[:5]) for c in CODES]})
        st.dataframe(table, hide_index=True, width="stretch")

# -- images ------------------------------------------------------------------------------------------
def images_tab() -> None:
    rows = agg["image_sizes"]["rows"]
    if not rows:
        st.info("Aucune image trouvée pour ces données.")
    else:
        sizes = pd.DataFrame(rows, columns=["code", "largeur", "hauteur", "octets"])
        grouped = sizes.groupby(["largeur", "hauteur"]).size().reset_index(name="images")
        left, right = st.columns(2)
        with left:
            if len(grouped) == 1:  # one size only: a sentence says more than a single bubble
                w, h = int(grouped["largeur"].iloc[0]), int(grouped["hauteur"].iloc[0])
                st.metric(f"Dimensions des images (échantillon de {fr_int(len(sizes))})", f"{w} × {h} px")
                st.caption("Toutes les images de l'échantillon ont la même taille.")
            else:
                fig = px.scatter(grouped, x="largeur", y="hauteur", size="images", size_max=40,
                                 color_discrete_sequence=["#bf0000"], hover_data=["images"])
                fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10),
                                  title=f"Dimensions des images (échantillon de {fr_int(len(sizes))})")
                chart(fig)
        with right:
            fig = px.histogram(sizes, x=sizes["octets"] / 1024, nbins=40, color_discrete_sequence=["#8a1538"])
            fig.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10), xaxis_title="taille du fichier (Kio)",
                              yaxis_title="images", title="Poids des fichiers")
            chart(fig)
        wo = agg["image_sizes"]["without_image"]
        if wo:
            st.warning(f"{fr_int(wo)} produit(s) sans image trouvée : ils sont classés sur le texte seul.")
    st.subheader("Image moyenne par catégorie")
    st.caption(f"Moyenne pixel à pixel de {explore.MEAN_IMAGES_PER_CLASS} photos au plus par catégorie : "
               "les fonds blancs dominent, mais la forme typique des objets (livres, piscines, manettes) apparaît.")
    means = agg["mean_images"]
    cols = st.columns(9)
    for i, c in enumerate(CODES):
        with cols[i % 9]:
            if c in means:
                st.image(means[c], caption=LABELS[c], width="stretch")
            else:
                st.caption(f"{LABELS[c]} : pas d'image")

# -- gallery -----------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def _thumb(path: str):
    return explore.thumbnail(path)


@st.fragment
def gallery_tab() -> None:
    f1, f2 = st.columns([1, 2])
    options = [None, *CODES]
    g_code = f1.selectbox("Catégorie", options, key="gal_code",
                          format_func=lambda c: "Toutes les catégories" if c is None else LABELS[c])
    query = f2.text_input("Rechercher dans les titres et descriptions", key="gal_query",
                          placeholder="par exemple : piscine, manette, tome…", max_chars=200)
    per_page = 12
    _, total, pages = explore.gallery_page(frame, index, g_code, query, 1, per_page)
    if total == 0:
        st.info("Aucun produit ne correspond à cette recherche.")
    else:
        page = st.pagination(pages, key=f"gal_page_{g_code}_{query}") if pages > 1 else 1
        hits, total, pages = explore.gallery_page(frame, index, g_code, query, page, per_page)
        st.caption(f"{fr_int(total)} produit(s) · page {page} / {pages}")
        symbols = explore.symbol_images(dataset.data_dir)
        if symbols:
            st.caption(f"🔣 Catalogue d'exemple : une image marquée « {explore.SYMBOL_NOTE} » montre un "
                       "pictogramme du type de produit, pas l'objet photographié.")
        cols = st.columns(4)
        for i, (_, row) in enumerate(hits.iterrows()):
            with cols[i % 4].container(border=True):
                thumb = _thumb(str(row.get("image_path", "") or ""))
                if thumb is not None:
                    st.image(thumb, width="stretch")
                    if int(row.get("imageid", -1)) in symbols:
                        st.caption(f"🔣 {explore.SYMBOL_NOTE}")
                else:
                    st.caption("🖼️ image absente ou illisible")
                st.markdown(f"**{md_escape(row['designation'], 90)}**")
                st.caption(f"{LABELS[int(row['prdtypecode'])]} · produit {int(row['productid'])}")
                from eshoppye.text import strip_html
                desc = strip_html(row["description"])
                if desc:
                    st.caption(md_escape(desc, 140))


for tab, draw in ((tab_classes, classes_tab), (tab_text, text_tab), (tab_words, words_tab),
                  (tab_images, images_tab), (tab_gallery, gallery_tab)):
    if tab.open:
        with tab:
            draw()
