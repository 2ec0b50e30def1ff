"""The Streamlit app with ``streamlit.testing.v1.AppTest``: every page, on the sample catalogue and
the bundled models, and every bad input of the issue (clear French message, nothing lost).

Development hooks: ``ESHOPPYE_TEST_APP_DATA`` / ``_MODELS`` / ``_METRICS`` point the app at another
data folder, models folder or metrics file (defaults: ``data/sample``, ``models/``,
``reports/metrics.json``).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DATA = os.environ.get("ESHOPPYE_TEST_APP_DATA") or str(ROOT / "data" / "sample")
MODELS = os.environ.get("ESHOPPYE_TEST_APP_MODELS") or str(ROOT / "models")
METRICS = os.environ.get("ESHOPPYE_TEST_APP_METRICS") or str(ROOT / "reports" / "metrics.json")
TIMEOUT = 180


@pytest.fixture(scope="module")
def app_cache(tmp_path_factory) -> Path:
    """One cache for the whole module (models load once per process, like one server)."""
    return tmp_path_factory.mktemp("appcache")


@pytest.fixture(autouse=True)
def app_env(monkeypatch, app_cache):
    assert (Path(DATA) / "X_train_update.csv").is_file(), f"catalogue d'exemple absent: {DATA}"
    assert any(Path(MODELS).glob("*/model.json")), f"aucun modèle dans {MODELS}"
    monkeypatch.setenv("ESHOPPYE_DATA_DIR", DATA)
    monkeypatch.setenv("ESHOPPYE_MODELS_DIR", MODELS)
    monkeypatch.setenv("ESHOPPYE_METRICS", METRICS)
    monkeypatch.setenv("ESHOPPYE_CACHE", str(app_cache))
    monkeypatch.delenv("ESHOPPYE_MANIFEST", raising=False)


def _app(page: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def _decision(at) -> str | None:
    for h in at.get("html"):
        body = h.proto.body
        if "decision-label" in body:
            return body.split("id='decision-label'>", 1)[1].split("<", 1)[0]
    return None


def _png(size=(64, 64), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def _labels() -> set[str]:
    import html

    from eshoppye.categories import CODES, label

    return {html.escape(label(c)) for c in CODES}


_D3_PERCENT = None


def _d3_percents(at) -> list[str]:
    """Percentages a chart would write the English way (d3's ``42.9%``): a ``%`` format in a
    hover or text template or an axis, or a pie's default percentage labels."""
    import json
    import re

    global _D3_PERCENT
    _D3_PERCENT = _D3_PERCENT or re.compile(r"%\{[^}]*:[^}]*%\}|%\{percent\}|\"tickformat\":\s*\"[^\"]*%")
    bad = []
    for c in at.get("plotly_chart"):
        bad += _D3_PERCENT.findall(c.proto.spec)
        for trace in json.loads(c.proto.spec).get("data", []):
            if trace.get("type") == "pie" and "texttemplate" not in trace:
                bad.append("pie: default percentage labels")
    return bad


def _hovers(at) -> list:
    """``(hovertemplate, customdata)`` of every trace of every chart."""
    import json

    return [(t.get("hovertemplate", ""), t.get("customdata")) for c in at.get("plotly_chart")
            for t in json.loads(c.proto.spec).get("data", [])]


# -- pages ---------------------------------------------------------------------------------------

def test_accueil_is_fast_and_never_imports_tensorflow():
    code = ("import sys, time; from streamlit.testing.v1 import AppTest; t = time.perf_counter();"
            f"at = AppTest.from_file({APP!r}, default_timeout={TIMEOUT}); at.run();"
            "assert not at.exception, [e.value for e in at.exception];"
            "assert any('Ranger automatiquement' in h.proto.body for h in at.get('html'));"
            "print('TF' if 'tensorflow' in sys.modules else 'noTF', round(time.perf_counter() - t, 2))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ), timeout=TIMEOUT)
    assert out.returncode == 0, out.stderr[-2000:]
    flag, seconds = out.stdout.split()[-2:]
    assert flag == "noTF"
    assert float(seconds) < 20


def test_accueil_content_and_sidebar():
    at = _app()
    _ok(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Les 27 catégories" in " ".join(h.value for h in at.header)
    assert "ESHOPPYE_DATA_DIR" in text
    assert at.get("plotly_chart")
    assert any("Modèles" in m.value for m in at.sidebar.markdown)
    assert any("Données utilisées" in m.value for m in at.sidebar.markdown)


def test_sidebar_about_links_the_challenge_and_the_readme():
    from eshoppye import app_views

    at = _app()
    _ok(at)
    assert any("À propos" in m.value for m in at.sidebar.markdown)
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "(https://challengedata.ens.fr/challenges/35)" in captions
    assert any(p.proto.label == "Lire le README du projet" for p in at.sidebar.get("page_link"))
    if not app_views.project_links():  # no project.urls: the README, read in the app, no made-up address
        assert "README.md" in captions
        assert not any("github.com" in m.value for m in [*at.sidebar.markdown, *at.markdown])
    # Accueil's footer: the README section by section, with its anchor in the repository
    sections = app_views.readme_sections()
    box = at.selectbox(key="readme_section")
    assert box.options[1] == sections[1]["title"]
    box.set_value(1).run()
    _ok(at)
    assert any("README.md#" + sections[1]["anchor"] in c.value for c in at.caption)
    assert any("make app" in m.value for m in at.markdown)  # the quick start section is shown


def test_project_links_and_readme_sections(tmp_path):
    from eshoppye import app_views

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert app_views.project_links(tmp_path) == {}
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.urls]\n"Dépôt" = "https://example.org/depot"\nbad = "javascript:alert(1)"\n')
    assert app_views.project_links(tmp_path) == {"Dépôt": "https://example.org/depot"}
    (tmp_path / "README.md").write_text("# Titre\n\nIntro.\n![capture](a.png)\n\n## Démarrage (deux commandes)\n"
                                        "```\n## pas un titre\n```\nTexte.\n\n## Vide\n", encoding="utf-8")
    secs = app_views.readme_sections(tmp_path)
    assert [s["title"] for s in secs] == ["Présentation", "Démarrage (deux commandes)"]
    assert secs[1]["anchor"] == "démarrage-deux-commandes"
    assert "a.png" not in secs[0]["body"] and "## pas un titre" in secs[1]["body"]
    assert app_views.readme_sections(tmp_path / "absent") == []


def test_donnees_page_charts_words_images_gallery():
    at = _app("donnees")
    _ok(at)
    assert not _errors(at)
    assert at.metric[0].label == "Produits"
    # only the open tab is drawn (lazy tabs): each tab in turn
    charts = len(at.get("plotly_chart"))
    for tab in ("Textes", "Mots caractéristiques", "Images", "Galerie"):
        at.session_state["don_tab"] = tab
        at.run()
        _ok(at)
        assert not _errors(at)
        charts += len(at.get("plotly_chart"))
        if tab == "Images":
            assert any("Image moyenne" in s.value for s in at.subheader)
        assert not _d3_percents(at), (tab, _d3_percents(at))
    assert charts >= 5
    # telling words of another category
    at.session_state["don_tab"] = "Mots caractéristiques"
    at.run()
    at.selectbox(key="words_code").select_index(3).run()
    _ok(at)
    # gallery: search with no hit, then a category filter
    at.session_state["don_tab"] = "Galerie"
    at.run()
    at.text_input(key="gal_query").input("zzzqqqxxx").run()
    _ok(at)
    assert any("Aucun produit" in i.value for i in at.info)
    at.text_input(key="gal_query").input("").run()
    assert any("produit(s) · page 1 /" in c.value for c in at.caption)
    pager = at.get("pagination")
    assert pager, "the whole catalogue spans several gallery pages"
    pager[0].set_value(2).run()
    _ok(at)
    assert any("produit(s) · page 2 /" in c.value for c in at.caption)
    at.selectbox(key="gal_code").select_index(1).run()
    _ok(at)
    assert any("produit(s) · page 1" in c.value for c in at.caption)


def test_modeles_page_table_heatmaps_confusion():
    import json

    at = _app("modeles")
    _ok(at)
    if any("Aucune métrique" in i.value for i in at.info):
        pytest.fail("reports/metrics.json absent: the Modèles page has nothing to show")
    assert at.dataframe[0].value.shape[0] >= 1
    assert len(at.get("plotly_chart")) >= 5
    names = list(at.dataframe[0].value["modèle"])  # the overview: models the app loads
    # French percentages in the hovers (customdata strings), never d3's 42.9%
    assert not _d3_percents(at), _d3_percents(at)
    # every figure that is too wide for a phone has a narrow version, shown by CSS at phone width
    specs = {json.loads(c.proto.spec).get("layout", {}).get("title", {}).get("text", ""): c for c in at.get("plotly_chart")}
    assert "Les confusions les plus fréquentes" in specs
    bars = json.loads(specs["Les confusions les plus fréquentes"].proto.spec)["data"][0]
    assert bars["type"] == "bar" and 1 <= len(bars["y"]) <= 12 and all("→" in y for y in bars["y"])
    assert list(bars["x"]) == sorted(bars["x"], reverse=True)  # largest share first
    assert all("\u202f% (" in t and "produit" in t for t in bars["text"])
    confusion = [(h, d) for h, d in _hovers(at) if h.startswith("réel : ")]
    assert confusion and "%{customdata[1]}" in confusion[0][0]
    assert any(cell[1].endswith("\u202f%") and "," in cell[1] for row in confusion[0][1] for cell in row)
    at.selectbox(key="cm_model").select(names[-1]).run()
    at.toggle(key="cm_norm").set_value(False).run()
    _ok(at)
    assert not _d3_percents(at)
    # confused examples need the model's predictions on the whole test split: a text model keeps this
    # test quick on a slow machine (an image model first extracts features of every test photo)
    text_models = [n for n in names if n.startswith("text-")]
    at.selectbox(key="cm_model").select(text_models[0] if text_models else names[0]).run()
    if "pair_go" in [b.key for b in at.button]:  # the model confuses some categories: show examples
        at.button(key="pair_go").click().run()
        _ok(at)
        assert not _errors(at)


def test_modeles_page_without_or_with_corrupt_metrics(tmp_path, monkeypatch):
    monkeypatch.setenv("ESHOPPYE_METRICS", str(tmp_path / "absent.json"))
    at = _app("modeles")
    _ok(at)
    assert any("Aucune métrique" in i.value for i in at.info)
    bad = tmp_path / "bad.json"
    bad.write_text("{pas du json", encoding="utf-8")
    monkeypatch.setenv("ESHOPPYE_METRICS", str(bad))
    at = _app("modeles")
    _ok(at)
    assert any("métriques" in e for e in _errors(at))


def _modeles_with(data: dict, tmp_path, monkeypatch):
    """The Modèles page run on the metrics ``data`` (written to a file the app is pointed at)."""
    import json

    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("ESHOPPYE_METRICS", str(path))
    at = _app("modeles")
    _ok(at)
    return at


def test_modeles_page_shows_the_original_families_group(tmp_path, monkeypatch):
    import json

    from eshoppye.config import ORIGINAL_MODELS

    data = json.loads(Path(METRICS).read_text(encoding="utf-8"))
    some = next(iter(data["models"].values()))
    for i, name in enumerate(ORIGINAL_MODELS):  # measured families, as `train --models seed` writes them
        data["models"].setdefault(name, {**some, "name": name, "kind": "text", "weighted_f1": 0.5 + i / 100})
    data["models"]["text-gru"]["dev"] = {"weighted_f1": 0.4321}
    data["models"]["text-lstm"].pop("dev", None)
    at = _modeles_with(data, tmp_path, monkeypatch)
    assert any("Modèles d'origine" in s.value for s in at.subheader)
    text = " ".join(m.value for m in at.markdown)
    assert "0,777" in text and "VGG16" in text and "Pourquoi les remplaçants gagnent" in text
    group = next(d.value for d in at.dataframe if "F1 pondéré (test)" in d.value.columns)
    assert list(group["modèle"]) == list(ORIGINAL_MODELS)
    for col in ("F1 pondéré (test)", "entraînement (s)", "taille (Mo)", "latence p50 (ms)"):
        assert group[col].notna().all(), col
    dev = dict(zip(group["modèle"], group["F1 pondéré (dev)"]))
    assert dev["text-gru"] == "0.432" and dev["text-lstm"] == "—"
    overview = at.dataframe[0].value  # the models the app ships; the measured-only families are apart
    assert "text-bilstm" in set(overview["modèle"]) and "text-gru" not in set(overview["modèle"])
    assert "F1 pondéré (dev)" in overview.columns  # the development set beside the test split
    assert "text-gru" in at.selectbox(key="cm_model").options


def test_modeles_page_reliability_of_the_decision(tmp_path, monkeypatch):
    import json

    data = json.loads(Path(METRICS).read_text(encoding="utf-8"))
    data.setdefault("dev", {"n_rows": 448, "n_photos": 42}).setdefault("decision", {})
    titles = data["dev"]["decision"].setdefault("titles", {"weighted_f1": 0.8, "accuracy": 0.8})
    bins = [(0.0, 0.3, 50, 0.23, 0.46), (0.3, 0.5, 73, 0.40, 0.53), (0.5, 0.7, 0, None, None),
            (0.7, 0.9, 115, 0.81, 0.94), (0.9, 1.0, 132, 0.96, 0.97)]
    titles["calibration"] = {
        "n": 370, "ece": 0.118, "threshold": 0.5,
        "bins": [{"low": lo, "high": hi, "n": n, "confidence": c, "accuracy": a} for lo, hi, n, c, a in bins],
        "sure": {"n": 247, "accuracy": 0.9149}, "uncertain": {"n": 123, "accuracy": 0.5041}}
    at = _modeles_with(data, tmp_path, monkeypatch)
    sentence = ("Sur le jeu de développement (titres seuls), quand la décision annonce au moins 50\u202f%, elle a "
                "raison dans 91\u202f% des cas (247 annonces) ; en dessous (marquée incertaine), dans 50\u202f% des "
                "cas (123 annonces).")
    assert sentence in [c.value for c in at.caption]
    specs = {json.loads(c.proto.spec)["layout"].get("title", {}).get("text", ""): json.loads(c.proto.spec)
             for c in at.get("plotly_chart")}
    fig = specs["Fiabilité de la confiance (jeu de développement)"]
    announced, observed = fig["data"]
    assert (announced["name"], observed["name"]) == ("confiance annoncée", "exactitude observée")
    assert len(observed["x"]) == 4  # the empty bin is left out
    assert observed["x"][0] == "0–30\u202f%<br>50 annonces"
    assert observed["text"][-1] == "97,0\u202f%" and announced["text"][0] == "23,0\u202f%"
    assert not _d3_percents(at)
    # an older metrics file, without the reliability: neither the chart nor the sentence
    del data["dev"]["decision"]["titles"]["calibration"]
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("ESHOPPYE_METRICS", str(tmp_path / "old.json"))
    at = _app("modeles")
    _ok(at)
    assert not any("quand la décision annonce" in c.value for c in at.caption)
    assert not any("Fiabilité" in c.proto.spec for c in at.get("plotly_chart"))


def test_modeles_page_without_original_families(tmp_path, monkeypatch):
    import json

    from eshoppye.config import ORIGINAL_MODELS

    data = json.loads(Path(METRICS).read_text(encoding="utf-8"))
    data["models"] = {n: e for n, e in data["models"].items() if n not in ORIGINAL_MODELS}
    at = _modeles_with(data, tmp_path, monkeypatch)
    assert any("--models seed" in i.value for i in at.info)


def test_donnees_page_with_missing_data(tmp_path, monkeypatch):
    monkeypatch.setenv("ESHOPPYE_DATA_DIR", str(tmp_path))
    at = _app("donnees")
    _ok(at)
    assert any("Impossible de lire les données" in e for e in _errors(at))


# -- classifier: one product ---------------------------------------------------------------------

def test_classifier_text_only():
    at = _app("classifier")
    _ok(at)
    at.text_input(key="clf_title").input("Manette sans fil pour PS4 Dualshock noire").run()
    at.button(key="clf_go").click().run()
    _ok(at)
    assert _decision(at) in _labels()
    assert any("Ce que dit chaque modèle" in s.value for s in at.subheader)
    assert any("Pourquoi" in s.value for s in at.subheader)


def _chip_keys(at) -> list[str]:
    return [b.key for b in at.button if (b.key or "").startswith("clf_chip_")]


def test_classifier_example_chips_fill_the_form():
    """One chip per category (thumbnail when the product has a photo); a click fills the inputs."""
    from eshoppye.categories import CODES

    at = _app("classifier")
    _ok(at)
    assert not [s for s in at.selectbox if s.key == "clf_sample"]  # the 55-item dropdown is gone
    samples = at.session_state["_samples"]
    keys = _chip_keys(at)
    assert len(keys) == len(CODES) == samples["prdtypecode"].nunique()
    chip_pids = [int(k.rsplit("_", 1)[1]) for k in keys]
    chips = samples.set_index(samples["productid"].astype("int64")).loc[chip_pids]
    assert sorted(chips["prdtypecode"]) == sorted(CODES)  # one per category
    assert all(len(b.label) <= 40 for b in at.button if b.key in keys)  # short titles
    with_photo = int(chips["has_photo"].sum())
    assert with_photo >= 20
    assert len(at.get("image")) >= with_photo  # a thumbnail per chip with a photo
    # a click on a chip with a photo: title, description and the product's photo are filled
    pid = int(chips[chips["has_photo"]].index[3])
    row = samples[samples["productid"].astype("int64") == pid].iloc[0]
    at.button(key=f"clf_chip_{pid}").click().run()
    _ok(at)
    assert at.text_input(key="clf_title").value == str(row["designation"])
    assert at.text_area(key="clf_desc").value == str(row["description"])
    assert at.radio(key="clf_img_src").value == "Photo du produit d'exemple"
    # the chosen chip is marked; another chip replaces the inputs
    assert at.button(key=f"clf_chip_{pid}").proto.type == "secondary"
    other = chip_pids[0] if chip_pids[0] != pid else chip_pids[1]
    at.button(key=f"clf_chip_{other}").click().run()
    assert at.text_input(key="clf_title").value == str(
        samples[samples["productid"].astype("int64") == other].iloc[0]["designation"])
    assert at.button(key=f"clf_chip_{pid}").proto.type == "tertiary"


def _click_chip_with_photo(at) -> None:
    samples = at.session_state["_samples"]
    pids = [int(k.rsplit("_", 1)[1]) for k in _chip_keys(at)]
    photo = samples[samples["productid"].astype("int64").isin(pids) & samples["has_photo"]]
    at.button(key=f"clf_chip_{int(photo.iloc[0]['productid'])}").click().run()


def test_classifier_sample_product_with_its_photo():
    at = _app("classifier")
    _click_chip_with_photo(at)
    assert at.text_input(key="clf_title").value
    assert at.radio(key="clf_img_src").value == "Photo du produit d'exemple"
    at.button(key="clf_go").click().run()
    _ok(at)
    assert not _errors(at)
    assert _decision(at) in _labels()
    assert any("photo ✓" in h.proto.body for h in at.get("html"))


def _decision_html(at) -> str:
    return next(h.proto.body for h in at.get("html") if "decision-label" in h.proto.body)


def test_classifier_result_states_uncertain_stale_na_and_plain_words():
    at = _app("classifier")
    at.text_input(key="clf_title").input("truc").run()  # one vague word: the models hesitate
    at.button(key="clf_go").click().run()
    _ok(at)
    r = at.session_state["clf_result"]["result"]
    body = _decision_html(at)
    if r.confidence < 0.5:
        assert "Incertain" in body and "3 catégories les plus probables" in body
    else:
        assert "Incertain" not in body
    assert "fusion-late" not in body and "décidée par" not in body  # no jargon
    assert "\u202f%" in body  # French percentage
    # an image model with no photo: n/a, never a 0 % bar, and the reason is the photo
    assert any("n/a" in h.proto.body for h in at.get("html"))
    assert any("Pas d'avis : pas de photo" in c.value for c in at.caption)
    assert not any(c.value.startswith("Pas d'avis") and "pas de texte" in c.value for c in at.caption)
    # the inputs change: the result is marked stale
    at.text_input(key="clf_title").input("truc machin").run()
    assert any("Les entrées ont changé" in w for w in _warnings(at))
    assert "stale" in _decision_html(at)


def test_classifier_why_explains_the_decided_category():
    from eshoppye.categories import name_of

    at = _app("classifier")
    at.text_input(key="clf_title").input("Auto Plus N° 2790 Du 15/02/2008").run()
    at.button(key="clf_go").click().run()
    _ok(at)
    assert not _d3_percents(at), _d3_percents(at)  # the fusion's pie: French percentages
    pies = [(h, d) for h, d in _hovers(at) if "de la décision" in h]
    if at.session_state["clf_result"]["result"].fusion_shares:
        assert pies and all(v[0].endswith("\u202f%") for v in pies[0][1])
    saved = at.session_state["clf_result"]
    figs = [c for c in at.get("plotly_chart") if "Mots qui désignent" in c.proto.spec]
    if saved["words"]:
        assert figs and name_of(saved["result"].code) in figs[0].proto.spec
        assert '"type":"category"' in figs[0].proto.spec.replace(" ", "")  # numbers in titles stay labels


def test_classifier_symbol_image_is_said_and_link_reopens_the_result():
    from eshoppye import explore
    from eshoppye.config import default_data_dir

    at = _app("classifier")
    samples = at.session_state["_samples"]
    symbols = explore.symbol_images(default_data_dir())
    sym = [i for i in samples.index if samples.loc[i, "image_path"] and int(samples.loc[i, "imageid"]) in symbols]
    assert sym, "the sample catalogue has symbol images"
    # a shared link: ?exemple=<productid> fills the form (its symbol image, said so) and classifies at once
    from streamlit.testing.v1 import AppTest

    at2 = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at2.query_params["exemple"] = str(int(samples.loc[sym[0], "productid"]))
    at2.query_params["titre"] = str(samples.loc[sym[0], "designation"])
    at2.run()
    at2.switch_page("pages/classifier.py")
    at2.run()
    _ok(at2)
    assert at2.text_input(key="clf_title").value == str(samples.loc[sym[0], "designation"])
    assert any("symbole" in i.value for i in at2.info)
    assert _decision(at2) in _labels()


def test_classifier_uploaded_photo():
    at = _app("classifier")
    at.text_input(key="clf_title").input("Bâche pour piscine ronde").run()
    at.radio(key="clf_img_src").set_value("Téléverser une photo").run()
    at.file_uploader(key="clf_upload").upload("photo.png", _png(), "image/png").run()
    _ok(at)
    assert not _errors(at)
    at.button(key="clf_go").click().run()
    _ok(at)
    assert _decision(at) in _labels()


@pytest.mark.parametrize("name,content", [
    ("notes.txt", b"ceci n'est pas une image"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),  # JPEG header, then nothing
    ("vide.png", b""),
])
def test_classifier_bad_image_is_refused_and_text_kept(name, content):
    at = _app("classifier")
    title = "Manette sans fil pour PS4"
    at.text_input(key="clf_title").input(title).run()
    at.radio(key="clf_img_src").set_value("Téléverser une photo").run()
    at.file_uploader(key="clf_upload").upload(name, content, "application/octet-stream").run()
    _ok(at)
    assert any(e.startswith("Image refusée") for e in _errors(at)), _errors(at)
    assert at.text_input(key="clf_title").value == title
    at.button(key="clf_go").click().run()  # still classified, on the text alone
    _ok(at)
    assert _decision(at) in _labels()
    assert any("chip-off'>photo" in h.proto.body for h in at.get("html"))


def test_classifier_fifty_megapixel_image_is_refused():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (8660, 5780), 255).save(buf, "PNG", optimize=True)  # 50 Mpx, a few kB
    at = _app("classifier")
    at.radio(key="clf_img_src").set_value("Téléverser une photo").run()
    at.file_uploader(key="clf_upload").upload("grande.png", buf.getvalue(), "image/png").run()
    _ok(at)
    errs = _errors(at)
    assert any(e.startswith("Image refusée") and ("Mpx" in e or "bombe" in e) for e in errs), errs


def test_classifier_empty_input():
    at = _app("classifier")
    at.button(key="clf_go").click().run()
    _ok(at)
    assert any("Indiquez au moins un titre" in e for e in _errors(at))
    assert _decision(at) is None


def test_classifier_long_description():
    at = _app("classifier")
    at.text_input(key="clf_title").input("Livre de cuisine").run()
    at.text_area(key="clf_desc").input("recette " * 2500).run()  # 20,000 characters
    _ok(at)
    assert any("Description très longue" in w for w in _warnings(at))
    at.button(key="clf_go").click().run()
    _ok(at)
    assert _decision(at) in _labels()


def test_classifier_html_and_script_are_inert():
    at = _app("classifier")
    evil = "<script>alert('xss')</script><b>Piscine</b> hors sol <img src=x onerror=alert(1)>"
    at.text_input(key="clf_title").input(evil).run()
    at.text_area(key="clf_desc").input("<p onclick='alert(2)'>Bâche <i>ronde</i></p>").run()
    _ok(at)
    assert any("script" in w for w in _warnings(at))
    at.button(key="clf_go").click().run()
    _ok(at)
    assert _decision(at) in _labels()
    for h in at.get("html"):  # no user text ever reaches raw HTML
        assert "alert" not in h.proto.body
    for m in at.markdown:
        assert "<script" not in m.value
    assert any("<script>" in c.value for c in at.code)  # shown, as inert text


# -- classifier: batch -----------------------------------------------------------------------------

def _batch(content: bytes, name: str = "produits.csv"):
    at = _app("classifier")
    at.file_uploader(key="batch_upload").upload(name, content, "text/csv").run()
    _ok(at)
    return at


def test_batch_csv_gives_the_cli_columns():
    from eshoppye import app_models
    from eshoppye.predict import predict_table
    from eshoppye.products import read_products

    csv = ("designation,description,productid\n"
           "Manette sans fil pour PS4,,1\n"
           "\"Bâche de piscine, ronde\",<p>4 m</p>,2\n"
           ",,3\n").encode("utf-8")
    at = _batch(csv)
    assert not _errors(at)
    shown = at.dataframe[-1].value
    expected = predict_table(app_models.load_app_models().models, read_products(csv, "produits.csv"))
    assert list(shown.columns) == list(expected.columns)
    assert {"prdtypecode", "category", "confidence", "decided_by"} <= set(shown.columns)
    assert len(shown) == 3
    assert "batch_download" in [b.key for b in at.get("download_button")]
    assert any("ligne 4" in m.value for m in at.markdown)  # the empty row is reported


def test_batch_csv_missing_column():
    at = _batch(b"titre,description\nManette,rien\n")
    assert any("colonne 'designation' manquante" in e for e in _errors(at))


def test_batch_csv_windows_1252_is_read_with_a_note():
    at = _batch("designation\nBâche de piscine été\n".encode("cp1252"))
    assert not _errors(at)
    assert any("Windows" in m.value for m in at.markdown)


def test_batch_csv_broken_encoding_and_binary():
    at = _batch(b"designation\nmanette \x81\x8d\x8f\x90\x9d\n")
    assert any("encodage illisible" in e for e in _errors(at)), _errors(at)
    at = _batch(_png(), "image.csv")
    assert any(e.startswith("Fichier refusé") for e in _errors(at)), _errors(at)


def test_batch_csv_absolute_image_paths_are_refused():
    at = _batch(b"designation,image_path\nManette,/etc/passwd\n")
    assert not _errors(at)
    assert any("chemin d'image refusé" in m.value for m in at.markdown)
    assert at.dataframe[-1].value["prdtypecode"].notna().all()


def test_classifier_without_models(tmp_path, monkeypatch):
    monkeypatch.setenv("ESHOPPYE_MODELS_DIR", str(tmp_path))
    at = _app("classifier")
    _ok(at)
    assert any("Modèles indisponibles" in e for e in _errors(at))


def test_confusion_bars_and_chip_titles():
    from eshoppye import app_views, model_views
    from eshoppye.categories import CODES

    cm = [[0] * 27 for _ in CODES]
    cm[0][0], cm[0][1] = 8, 2       # 20 % of class 0 go to class 1
    cm[2][2], cm[2][3] = 1, 3       # 75 % of class 2 go to class 3 (fewer products, larger share)
    cm[4][5] = 1                    # 100 % of a single product
    bars = model_views.confusion_bars(cm, CODES, k=2)
    assert list(bars["share"]) == [1.0, 0.75] and list(bars["count"]) == [1, 3]
    assert bars["share_fr"][1] == "75,0\u202f%" and "<br>→ " in bars["pair"][0]
    assert model_views.confusion_bars([[1]], CODES).empty
    assert model_views.short_label(2583) == "2583 · piscine et spa"
    assert len(model_views.short_label(1300, 10).split(" · ", 1)[1]) == 10
    assert app_views.chip_title("Manette sans fil pour PS4 Dualshock noire") == "Manette sans fil pour PS4…"
    assert app_views.chip_title("Court") == "Court"
    assert len(app_views.chip_title("x" * 80)) == 27


def test_explore_helpers_on_a_tiny_frame():
    import numpy as np

    from eshoppye import explore, model_views

    frame = pd.DataFrame({"designation": ["piscine hors sol", "piscine ronde", "manette ps4", "manette xbox"],
                          "description": ["", "<b>bâche</b>", "", ""], "productid": [1, 2, 3, 4],
                          "prdtypecode": [2583, 2583, 50, 50], "image_path": [""] * 4})
    agg = explore.compute_aggregates(frame)
    assert agg["classes"]["2583"] == 2 and agg["missing_overall"]["without_description"] == 3
    assert agg["words"]["2583"][0][0] == "piscine"
    rows, total, pages = explore.gallery_page(frame, None, None, "PISCÎNE", 1, 1)
    assert total == 2 and pages == 2 and len(rows) == 1
    cm = np.eye(27, dtype=int)
    cm[0, 1] = 5
    assert model_views.confused_pairs(cm.tolist())[0]["count"] == 5


def test_batch_progress_slices_give_the_same_table():
    from eshoppye import app_views
    from eshoppye.models.ensemble import load_models
    from eshoppye.predict import predict_table
    from eshoppye.products import ProductTable, read_products

    models = {n: m for n, m in load_models(Path(MODELS), only=["text-tfidf"]).items() if n == "text-tfidf"}
    csv = "designation,description\n" + "\n".join(f"Produit {i} piscine bâche,desc {i}" for i in range(7)) + "\n,\n"
    seen = []
    a = app_views.predict_in_batches(models, read_products(csv.encode(), "p.csv"), None,
                                     lambda d, t, left: seen.append((d, t)), batch=3)
    b = predict_table(models, read_products(csv.encode(), "p.csv"))
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    assert seen == [(3, len(a)), (6, len(a)), (len(a), len(a))]


def test_classifier_occlusion_map_of_the_photo():
    at = _app("classifier")
    at.text_input(key="clf_title").input("Bâche pour piscine ronde").run()
    at.radio(key="clf_img_src").set_value("Téléverser une photo").run()
    at.button(key="clf_go").click().run()  # text only first: no map offered without a photo
    assert "occ_go" not in [b.key for b in at.button]
    _click_chip_with_photo(at)
    at.button(key="clf_go").click().run()
    _ok(at)
    if "occ_go" not in [b.key for b in at.button]:
        pytest.skip("pas de modèle image chargé")
    at.button(key="occ_go").click().run()
    _ok(at)
    assert not _errors(at)
    assert at.session_state["occ"][1].size == (320, 320)
