"""The Révision page with ``streamlit.testing.v1.AppTest``: the queue in confidence order, one-click
verdicts, progress, filters, a verdict by someone else meanwhile, inert text, the precision chart,
and an unreachable database (one French line, the other pages keep working)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "data" / "sample"
TIMEOUT = 180
EVIL = "<img src=x onerror=alert(1)> **gras** [lien](http://exemple.invalid) <script>alert(2)</script>"


@pytest.fixture
def review_db(tmp_path, monkeypatch):
    """A SQLite review database with 6 sample products (with photos), one with a hostile title."""
    from eshoppye.data import load_dataset
    from eshoppye.review import db, store

    url = f"sqlite:///{tmp_path / 'reviews.sqlite'}"
    monkeypatch.setenv("ESHOPPYE_DB_URL", url)
    monkeypatch.setenv("ESHOPPYE_DATA_DIR", str(SAMPLE))
    monkeypatch.setenv("ESHOPPYE_MODELS_DIR", str(ROOT / "models"))
    monkeypatch.setenv("ESHOPPYE_METRICS", str(ROOT / "reports" / "metrics.json"))
    frame = load_dataset(SAMPLE).frame
    frame = frame[frame["image_path"] != ""].head(6)
    rows = []
    for i, (_, p) in enumerate(frame.iterrows()):
        code, other = int(p["prdtypecode"]), 2280 if int(p["prdtypecode"]) != 2280 else 10
        top = {"text-tfidf": [(code, 0.3 + i / 20), (other, 0.2), (1160, 0.1)],
               "image-effnet": [(other if i % 2 else code, 0.4), (code, 0.3), (1300, 0.1)]}
        rows.append({"designation": EVIL if i == 0 else p["designation"], "description": p["description"],
                     "productid": p["productid"], "imageid": p["imageid"], "image_ref": p["image_path"],
                     "top3": top, "decision": code, "confidence": 0.3 + i / 20, "decided_by": "text-tfidf",
                     "model_versions": {"text-tfidf": "3", "image-effnet": "2"}})
    assert store.enqueue(rows) == 6
    yield url, rows
    db.forget_engines()


def _page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/revision.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _progress(at) -> str:
    return [p.proto.text for p in at.get("progress")][0]


def _button(at, prefix: str):
    return next(b for b in at.button if (b.key or "").startswith(prefix))


def test_review_session(review_db):
    from eshoppye.categories import label
    from eshoppye.review import store

    url, rows = review_db
    at = _page()
    assert _progress(at) == "0 / 6 revus"
    # the least confident product first: the hostile title, shown inert
    title = [m.value for m in at.markdown if m.value.startswith("#### ")][0]
    assert "\\<img" in title and "\\*\\*gras\\*\\*" in title and "\\[lien\\]" in title
    assert not any("<img" in h.proto.body or "<script" in h.proto.body for h in at.get("html"))
    ok = _button(at, "rev_ok_")
    assert ok.label == f"✅ Confirmer : {label(rows[0]['decision'])}"
    assert ok.proto.shortcut.upper() == "V"
    at.text_input(key="rev_name").input("Camille").run()
    ok.click().run()
    assert _progress(at) == "1 / 6 revus"
    assert "Verdict enregistré" in at.success[0].value
    first = store.queue("reviewed", url=url)[0]
    assert (first.productid, first.verdict.verdict, first.verdict.reviewer) == (rows[0]["productid"], "confirmed", "Camille")

    # next product: pick a proposed alternative in one click
    alt = _button(at, "rev_alt_")
    code = int(alt.key.rsplit("_", 1)[1])
    alt.click().run()
    assert _progress(at) == "2 / 6 revus"
    second = store.get(int(alt.key.split("_")[2]), url=url)
    assert (second.verdict.verdict, second.verdict.code) == ("corrected", code)

    # someone else answers the product on screen meanwhile: both verdicts kept, the person is told
    shown_id = int(_button(at, "rev_ok_").key.rsplit("_", 1)[1])
    store.record_verdict(shown_id, "unclassifiable", reviewer="Dominique", url=url)
    _button(at, "rev_ok_").click().run()
    assert not at.exception
    assert any("Dominique a revu ce produit pendant ce temps" in w.value for w in at.warning)
    hist = store.get(shown_id, url=url).history
    assert [v.verdict for v in hist] == ["unclassifiable", "confirmed"]

    # any category through the list
    fix_id = int(_button(at, "rev_fix_").key.rsplit("_", 1)[1])
    at.selectbox(key=f"rev_other_{fix_id}").set_value(1560).run()
    _button(at, "rev_fix_").click().run()
    assert store.get(fix_id, url=url).truth == 1560

    # progress counts products (the doubly reviewed one once); the chart is there
    assert _progress(at) == "4 / 6 revus"
    assert len(at.get("plotly_chart")) == 1
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)  # French percentages, not d3's 50%
    assert "%" not in spec["layout"]["yaxis"].get("tickformat", "")
    assert all(t["hovertemplate"].count("%{y") == 0 and t["customdata"][0][2].endswith("\u202f%")
               for t in spec["data"])

    # filters: disagreement only, then one category; the reviewed list
    at.toggle(key="rev_disagree").set_value(True).run()
    assert _progress(at) == "2 / 3 revus"  # products 1, 3, 5 disagree; 1 and 3 are reviewed
    at.toggle(key="rev_disagree").set_value(False).run()
    at.selectbox(key="rev_category").set_value(rows[5]["decision"]).run()
    n_cat = sum(1 for r in rows if r["decision"] == rows[5]["decision"])
    assert _progress(at).endswith(f"/ {n_cat} revus")
    at.selectbox(key="rev_category").set_value(None).run()
    at.radio(key="rev_mode").set_value("Déjà revus").run()
    assert not at.exception
    assert any("Verdict actuel" in m.value for m in at.markdown)


def test_unreachable_database_one_line_rest_of_app_works(review_db, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ESHOPPYE_DB_URL", f"postgresql+psycopg://u:motdepasse@127.0.0.1:{port}/x")
    at = _page()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Révision indisponible") and "motdepasse" not in errors[0]
    assert "\n" not in errors[0]
    at.switch_page("pages/accueil.py")
    at.run()
    assert not at.exception and not at.error


def test_classifier_feedback_reaches_the_review_queue(review_db, tmp_path, monkeypatch):
    """The feedback control under a Classifier result stores the verdict (with the photo); the
    Révision page then counts it. Only text-tfidf is loaded, so that the test stays quick."""
    import shutil

    from streamlit.testing.v1 import AppTest

    from eshoppye.review import store

    url, rows = review_db
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models" / "text-tfidf", models / "text-tfidf")
    monkeypatch.setenv("ESHOPPYE_MODELS_DIR", str(models))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/classifier.py")
    at.run()
    at.text_input(key="clf_title").input("Manette sans fil pour PS4 Dualshock noire").run()
    at.button(key="clf_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="fb_name").input("Eve").run()
    at.selectbox(key="fb_code").set_value(1160).run()
    at.button(key="fb_fix").click().run()
    assert not at.exception
    assert any("retour enregistré" in s.value for s in at.success), [e.value for e in at.error]
    mine = [it for it in store.queue("reviewed", url=url) if it.source == "app"]
    assert len(mine) == 1
    it = mine[0]
    assert it.designation.startswith("Manette") and (it.verdict.code, it.verdict.reviewer) == (1160, "Eve")
    assert it.top3["text-tfidf"] and it.model_versions.get("text-tfidf")
    at.button(key="fb_ok").click().run()
    assert store.progress(url=url) == (2, 8)
