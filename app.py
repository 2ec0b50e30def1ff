"""eShopPye demonstrator: ``streamlit run app.py``.

The pages live in ``pages/``; they only lay out widgets and call :mod:`eshoppye`. The sidebar
shows which data (synthetic sample catalogue or real challenge data) and which models are in use.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages._shared import ASSETS, sidebar

st.set_page_config(page_title="eShopPye · classification de produits Rakuten", page_icon="🛍️",
                   layout="wide", initial_sidebar_state="auto")

if (ASSETS / "logo.svg").is_file():
    st.logo(str(ASSETS / "logo.svg"), size="large")

HERE = Path(__file__).resolve().parent
pages = [
    st.Page(HERE / "pages" / "accueil.py", title="Accueil", icon="🏠", url_path="accueil", default=True),
    st.Page(HERE / "pages" / "donnees.py", title="Données", icon="📊", url_path="donnees"),
    st.Page(HERE / "pages" / "modeles.py", title="Modèles", icon="🧠", url_path="modeles"),
    st.Page(HERE / "pages" / "classifier.py", title="Classifier", icon="🏷️", url_path="classifier"),
    st.Page(HERE / "pages" / "revision.py", title="Révision", icon="🔎", url_path="revision"),
]
page = st.navigation(pages, position="sidebar")
sidebar()
page.run()
