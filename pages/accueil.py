"""Accueil: the problem, the 27 categories, how the models work, the data in use."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from eshoppye import app_state
from eshoppye.categories import CODES, NAMES, TRAIN_COUNT
from pages._shared import chart, MODEL_BLURB, fr_int, fr_pct, page_setup, read_metrics_safe, readme_block

page_setup("")
st.html("""<div class='hero'><h2>Ranger automatiquement chaque produit dans la bonne catégorie</h2>
<p>Un titre, une description facultative, une photo : eShopPye propose l'une des 27 catégories du
catalogue Rakuten France, explique sa décision et dit quels modèles ont parlé.</p></div>""")

data = app_state.data_description()
metrics, metrics_error = read_metrics_safe()
best = max(metrics.get("models", {}).items(), key=lambda kv: kv[1].get("weighted_f1") or 0, default=None)
synthetic_scores = bool(metrics.get("data", {}).get("synthetic"))
c1, c2, c3, c4 = st.columns(4)
c1.metric("Catégories", "27")
c2.metric("Produits étiquetés du challenge (référence)", fr_int(sum(TRAIN_COUNT.values())),
          help="Taille du vrai jeu d'entraînement Rakuten ; il n'est pas dans le dépôt.")
c3.metric("Modèles évalués", str(len(metrics.get("models", {}))))
c4.metric("Meilleur F1 pondéré" + (" (catalogue d'exemple)" if synthetic_scores else ""),
          fr_pct(best[1].get("weighted_f1")) if best else "–",
          help=(f"{best[0]}, mesuré sur la partie test du catalogue d'exemple synthétique : ce n'est pas un score "
                "sur les vraies données du challenge." if synthetic_scores else f"{best[0]}, sur les données évaluées")
          if best else "Aucune métrique : lancez eshoppye train")
if best and synthetic_scores:
    st.caption("⚠️ Ce F1 est mesuré sur des produits **synthétiques** : il valide la chaîne de traitement et "
               "ne prédit pas le score sur le vrai catalogue Rakuten.")

st.header("Le problème")
st.markdown("""
Rakuten France reçoit chaque jour des milliers de nouveaux produits de ses vendeurs. Chacun arrive
avec un **titre** (`designation`, en français), parfois une **description** en HTML et une
**photo** ; il doit être rangé dans l'une des **27 catégories** (`prdtypecode`) du catalogue pour
être trouvé par les acheteurs. Le challenge *Rakuten France Multimodal Product Data Classification*
([challengedata.ens.fr n° 35](https://challengedata.ens.fr/challenges/35)) fournit 84 916 produits étiquetés ; la métrique officielle est le
**F1 pondéré** par la taille des catégories.

Les difficultés : des classes très déséquilibrées (10 209 produits « piscine et spa » contre 764
« figurines et wargames »), des catégories voisines (livres adulte / livres jeunesse / magazines,
jeux vidéo importés / rétrogaming), des descriptions absentes un produit sur trois, du HTML, et des
photos prises sur fond blanc qui se ressemblent d'une catégorie à l'autre.
""")

st.header("Les 27 catégories")
cats = pd.DataFrame({"code": list(CODES), "catégorie": [NAMES[c] for c in CODES],
                     "produits (données réelles)": [TRAIN_COUNT[c] for c in CODES]})
cats = cats.sort_values("produits (données réelles)", ascending=True)
left, right = st.columns([3, 2])
with left:
    fig = px.bar(cats, x="produits (données réelles)", y=[f"{c} · {n}" for c, n in zip(cats["code"], cats["catégorie"])],
                 orientation="h", color="produits (données réelles)", color_continuous_scale="Reds",
                 labels={"y": "", "produits (données réelles)": "produits"})
    fig.update_layout(height=720, margin=dict(l=10, r=10, t=30, b=10), coloraxis_showscale=False,
                      title="Répartition dans les données réelles du challenge")
    chart(fig)
with right:
    st.dataframe(cats.sort_values("code"), hide_index=True, height=720, width="stretch",
                 column_config={"code": st.column_config.NumberColumn(format="%d")})

st.header("Comment les modèles décident")
st.markdown("""
eShopPye entraîne trois familles de modèles, évaluées sur le même découpage (72 % entraînement,
13 % validation, 15 % test, stratifié, graine 42) :

- **Texte** : le titre et la description nettoyés (HTML retiré, accents et casse normalisés) ;
- **Image** : la photo redimensionnée sans rognage, passée dans un réseau pré-entraîné ;
- **Fusion** : combine texte et image. Si la photo manque, la fusion s'appuie sur le texte seul ;
  si le texte manque, sur l'image seule. Chaque résultat dit quels modèles ont parlé.

La décision finale est celle du premier modèle disponible dans l'ordre de préférence
(fusion tardive, puis TF-IDF, puis les autres).
""")
st.dataframe(pd.DataFrame({"modèle": list(MODEL_BLURB), "principe": list(MODEL_BLURB.values())}),
             hide_index=True, width="stretch")

st.header("Les données de cette démonstration")
if data["synthetic"]:
    st.info("**Catalogue d'exemple synthétique.** L'application tourne sur `data/sample/` : des produits "
            "**fictifs**, générés pour la démonstration, au format exact des fichiers du challenge "
            "(mêmes colonnes, HTML dans les descriptions, images carrées de 256 × 256 px, souvent un simple "
            "pictogramme du type de produit plutôt qu'une photo ; les vraies photos du challenge font 500 × 500). "
            "Les scores affichés "
            "mesurent donc la chaîne de traitement, pas la difficulté du vrai catalogue.", icon="🧪")
else:
    st.success(f"**Données réelles du challenge** lues dans `{data['shown']}`.", icon="✅")
st.markdown("""
**Passer aux vraies données.** Les données du challenge appartiennent à Rakuten et ne sont pas dans
le dépôt. Après inscription sur challengedata.ens.fr, placez-les dans un dossier :

```
MON_DOSSIER/
  X_train_update.csv
  Y_train_CVw08PX.csv
  images/image_train/image_{imageid}_product_{productid}.jpg
```

puis relancez l'application avec `ESHOPPYE_DATA_DIR=MON_DOSSIER streamlit run app.py`. Réentraînez
les modèles sur ces données avec `eshoppye train --data MON_DOSSIER --models all --out models/`.
""")
if metrics_error:
    st.warning(f"Métriques illisibles : {metrics_error}")

st.divider()
n1, n2, n3 = st.columns(3)
n1.page_link("pages/donnees.py", label="Explorer les données", icon="📊")
n2.page_link("pages/modeles.py", label="Comparer les modèles", icon="🧠")
n3.page_link("pages/classifier.py", label="Classer un produit", icon="🏷️")

st.subheader("Le projet")
readme_block()
