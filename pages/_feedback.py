"""The feedback control under a classification result (Classifier page): a person says whether the
category is right, or picks the right one; the verdict goes to the review database through
:func:`eshoppye.review.store.record_feedback` and shows up on the Révision page."""

from __future__ import annotations

import streamlit as st

from eshoppye.categories import CODES, label
from eshoppye.errors import EshoppyeError
from pages._shared import md_escape


def _save(saved: dict, models: dict, verdict: str, code: int | None) -> None:
    from eshoppye.review import store

    result = saved["result"]
    versions = {n: str(getattr(models.get(n), "version", "")) for n in result.per_model if n in models}
    try:
        rec = store.record_feedback(result, saved.get("title", ""), saved.get("desc", ""), verdict=verdict, code=code,
                                    reviewer=st.session_state.get("fb_name", ""), image=saved.get("image"),
                                    model_versions=versions)
    except EshoppyeError as exc:
        st.session_state["fb_msg"] = ("error", f"Retour non enregistré : {exc}")
        return
    what = "catégorie confirmée" if verdict == "confirmed" else f"corrigé en {label(code)}"
    st.session_state["fb_msg"] = ("success", f"Merci : retour enregistré ({what}, n° {rec.prediction_id}), "
                                             "visible sur la page Révision.")


def feedback_control(saved: dict, models: dict) -> None:
    """Render the control for the result kept in ``saved`` (the Classifier page's session entry)."""
    result = saved["result"]
    if result.code is None:
        return
    with st.container(border=True, key="feedback"):
        st.markdown("**Ce résultat est-il juste ?** Votre réponse est gardée pour réentraîner les modèles.")
        c1, c2, c3, c4 = st.columns([1, 2, 1.3, 1.6])
        c1.button("👍 Oui", key="fb_ok", on_click=_save, args=(saved, models, "confirmed", result.code),
                  width="stretch")
        right = c2.selectbox("Bonne catégorie", [None, *[c for c in CODES if c != result.code]], key="fb_code",
                             label_visibility="collapsed",
                             format_func=lambda c: "Non : la bonne catégorie est…" if c is None else label(c))
        c3.button("👎 Corriger", key="fb_fix", disabled=right is None, width="stretch",
                  on_click=_save, args=(saved, models, "corrected", right))
        c4.text_input("Votre nom", key="fb_name", label_visibility="collapsed", placeholder="Votre nom (facultatif)")
        msg = st.session_state.pop("fb_msg", None)
        if msg:
            (st.success if msg[0] == "success" else st.error)(md_escape(msg[1], 400))
