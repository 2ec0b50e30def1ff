"""End-to-end test in a real browser (Debian chromium driven by Playwright).

Starts ``streamlit run app.py`` on loopback. The first visit is a direct link to ``/classifier``
(Streamlit's ``pages/`` discovery must not take over the navigation), then every page is opened at
1440x900 and at phone width 390x844, a sample product is classified with an image upload and the
category shown is checked against the library's own answer. Screenshots and the timings (server
start to first page and to first result, click to result on each page) go to ``build/screenshots/``
(git-ignored: the test run never modifies tracked files); ``scripts/screenshots.py`` regenerates them.

Skipped with a clear reason when chromium or the Python ``playwright`` package is missing
(``make test`` installs both). ``playwright install`` is never run: the system chromium is used.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("ESHOPPYE_SCREENSHOTS") or ROOT / "build" / "screenshots")
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMINGS: dict[str, float] = {}
CHROMIUM = os.environ.get("ESHOPPYE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
# Development hooks (default: the bundled sample catalogue, models/ and reports/metrics.json).
DATA = os.environ.get("ESHOPPYE_TEST_APP_DATA", "")
MODELS = os.environ.get("ESHOPPYE_TEST_APP_MODELS", "")
METRICS = os.environ.get("ESHOPPYE_TEST_APP_METRICS", "")

pytestmark = pytest.mark.slow


def _load_app_server():
    """bench/app_server.py, the one place that starts, waits for and measures a local server."""
    spec = importlib.util.spec_from_file_location("app_server", ROOT / "bench" / "app_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


APP_SERVER = _load_app_server()


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"chromium absent ({CHROMIUM}) : apt-get install chromium (make test le fait)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("paquet Python playwright absent : pip install -r requirements-test.txt")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _app_env(cache: Path) -> dict:
    env = dict(os.environ)
    env["ESHOPPYE_CACHE"] = str(cache)  # an empty cache: a cold start, like a fresh machine
    for var in ("ESHOPPYE_DATA_DIR", "ESHOPPYE_MANIFEST", "ESHOPPYE_MODELS_DIR", "ESHOPPYE_METRICS"):
        env.pop(var, None)
    for var, value in (("ESHOPPYE_DATA_DIR", DATA), ("ESHOPPYE_MODELS_DIR", MODELS), ("ESHOPPYE_METRICS", METRICS)):
        if value:
            env[var] = value
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """A sample product of the test split with an image, and the library's own decision for it
    (computed before the server starts so that the timings only measure the app)."""
    from eshoppye import app_models
    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.predict import classify_product

    env = _app_env(tmp_path_factory.mktemp("libcache"))
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        ds = load_dataset(os.environ.get("ESHOPPYE_DATA_DIR") or ROOT / "data" / "sample")
        test = ds.frame.iloc[split_dataset(ds.labels)["test"]]
        row = test[test["image_path"] != ""].iloc[0]
        models = app_models.load_app_models().models
        result = classify_product(models, row["designation"], "", Path(row["image_path"]).read_bytes())
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert result.code is not None
    return row, result


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = APP_SERVER.free_port()
    env = _app_env(tmp_path_factory.mktemp("appcache"))
    log = tmp_path_factory.mktemp("applog") / "streamlit.log"
    cmd = APP_SERVER.streamlit_command(sys.executable, port)
    t0 = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        APP_SERVER.wait_health(url, proc, timeout=120.0)
        yield {"url": url, "t0": t0, "env": env, "log": log, "proc": proc}
    finally:
        APP_SERVER.stop(proc)


def _settle(page, timeout: float = 90_000) -> None:
    """Wait until Streamlit has finished running the script, then half a second for drawing."""
    APP_SERVER.settle(page, timeout, after_ms=500)


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']").first.inner_text()


def _shot(page, name: str) -> None:
    """Screenshot of the whole page: the viewport is stretched to the height of Streamlit's main area."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]') || document.body;"
        " return Math.max(m.scrollHeight, document.body.scrollHeight); }")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, 800), 7000)})
    page.wait_for_timeout(1200)  # let the charts re-layout
    page.screenshot(path=str(SHOTS / name), full_page=True)
    page.set_viewport_size(size)


def _nav(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()


def _sidebar_links(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


def test_first_visit_by_direct_link_keeps_the_app_navigation(browser, server):
    """Defect 1: on a fresh server, a direct link as the very first visit showed raw file names."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(server["url"] + "/classifier")
    page.get_by_label("Titre du produit (designation)").wait_for()
    TIMINGS["server_start_to_first_page_s"] = round(time.monotonic() - server["t0"], 2)
    _settle(page)
    links = _sidebar_links(page)
    raw = {p.stem.lstrip("_") for p in (ROOT / "pages").glob("*.py")} | {"app"}
    assert {"Accueil", "Données", "Modèles", "Classifier"} <= {l.split("\n")[-1].strip() for l in links}, links
    assert not any(l.split("\n")[-1].strip() in raw for l in links), links
    assert page.get_by_text("Données utilisées").count() >= 1  # the app's own sidebar blocks
    _shot(page, "00_direct_link_classifier.png")
    # the sidebar's "À propos" opens the project's README on Accueil (no made-up repository address)
    page.locator("[data-testid='stSidebar']").get_by_text("Lire le README du projet").click()
    page.get_by_text("Dans le dépôt :").first.wait_for()
    assert "readme=1" in page.url, page.url  # Accueil, the default page, is served at /
    _settle(page)
    _no_exception(page)
    # a second direct link, in a new tab, still goes through the app
    other = ctx.new_page()
    other.goto(server["url"] + "/donnees")
    other.get_by_text("Part de chaque catégorie").first.wait_for(timeout=180_000)
    _settle(other)
    assert not any(l.split("\n")[-1].strip() in raw for l in _sidebar_links(other))
    ctx.close()


def _french_numbers(page) -> None:
    """Defect 5: no English decimal point before a percent sign or in a score."""
    import re

    text = page.locator("[data-testid='stMain']").inner_text()
    bad = re.findall(r"\b\d+\.\d+\s?%|\b0\.\d{2,3}\b", text)
    assert not bad, bad[:5]


def test_phone_width_pages_are_usable(browser, server):
    """Defect 6: at 390 px the sidebar is closed on arrival and no page is wider than the screen."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    for path, marker, shot in (("/accueil", "Ranger automatiquement chaque produit", "10_phone_accueil.png"),
                               ("/donnees", "Part de chaque catégorie", "11_phone_donnees.png"),
                               ("/modeles", "Vue d'ensemble", "12_phone_modeles.png"),
                               ("/classifier", "Classer ce produit", "13_phone_classifier.png")):
        page.goto(server["url"] + path)
        page.get_by_text(marker).first.wait_for()
        _settle(page)
        _no_exception(page)
        box = page.locator("[data-testid='stSidebar']").bounding_box()
        assert box is None or box["x"] + box["width"] <= 5 or box["width"] < 50, f"{path}: sidebar open {box}"
        width = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
        assert width <= PHONE["width"] + 2, f"{path}: page {width} px wide on a {PHONE['width']} px screen"
        _french_numbers(page)
        if path == "/classifier":
            _phone_chips(page)
        if path == "/modeles":
            _phone_heatmaps(page)
        _shot(page, shot)
    ctx.close()


def _tick_boxes(page, key: str, axis: str) -> list[dict]:
    return page.evaluate(
        "([key, axis]) => [...document.querySelectorAll(`.st-key-${key} .${axis}tick text`)].map(t => {"
        " const r = t.getBoundingClientRect(); return {y: r.y, h: r.height, w: r.width,"
        " size: parseFloat(getComputedStyle(t).fontSize) || parseFloat(t.style.fontSize), text: t.textContent}; })",
        [key, axis])


def _phone_heatmaps(page) -> None:
    """Defect 6: at 390 px the per-class F1 heatmap and the confusion matrix are readable: the
    27-column versions give way to one row per category and to the most confused pairs as bars."""
    for key in ("wide_only_f1", "wide_only_cm"):
        assert not page.locator(f".st-key-{key}").is_visible(), key
    for key in ("narrow_only_f1", "narrow_only_cm"):
        page.locator(f".st-key-{key} .main-svg").first.scroll_into_view_if_needed()
        assert page.locator(f".st-key-{key}").is_visible(), key
    ticks = _tick_boxes(page, "narrow_only_f1", "y")
    assert len(ticks) == 27, len(ticks)
    ticks.sort(key=lambda t: t["y"])
    assert all(b["y"] >= a["y"] + a["h"] - 1 for a, b in zip(ticks, ticks[1:])), "F1: labels overlap"
    assert min(t["size"] for t in ticks) >= 10
    cells = page.locator(".st-key-narrow_only_f1 .textpoint, .st-key-narrow_only_f1 text.textpoint")
    assert cells.count() == 0 or cells.count() >= 27
    pairs = _tick_boxes(page, "narrow_only_cm", "y")
    assert 3 <= len(pairs) <= 12
    assert all(t["size"] >= 10 for t in pairs)
    pairs.sort(key=lambda t: t["y"])
    assert all(b["y"] >= a["y"] + a["h"] - 1 for a, b in zip(pairs, pairs[1:])), "pairs: labels overlap"
    assert all("→" in t["text"] for t in pairs)
    width = page.evaluate("() => document.querySelector('.st-key-narrow_only_cm .main-svg').getBoundingClientRect().right")
    assert width <= PHONE["width"]


def _phone_chips(page) -> None:
    """Example chips at 390 px: several per row (they wrap), none wider than the screen; a tap on
    one fills the title."""
    boxes = page.locator("[class*='st-key-clf_chip_box_']")
    assert boxes.count() >= 20
    rects = [boxes.nth(i).bounding_box() for i in range(6)]
    assert all(r["x"] >= 0 and r["x"] + r["width"] <= PHONE["width"] for r in rects), rects
    rows = sorted({round(r["y"]) for r in rects})
    assert 1 < len(rows) < 6, rects  # wrapped, and more than one chip per row
    title = page.get_by_label("Titre du produit (designation)")
    assert title.input_value() == ""
    boxes.nth(1).locator("[data-testid^='stBaseButton-']:not([kind='elementToolbar']):visible").first.click()
    page.wait_for_function("() => document.querySelector('input[aria-label=\"Titre du produit (designation)\"]')"
                           ".value.length > 0")
    _settle(page)
    _no_exception(page)


def test_browser_end_to_end(browser, expected, server, tmp_path):
    from eshoppye.categories import label

    SHOTS.mkdir(parents=True, exist_ok=True)
    timings = TIMINGS
    ctx = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # -- Accueil: first page served -----------------------------------------------------------
    t = time.monotonic()
    page.goto(server["url"])
    page.get_by_text("Ranger automatiquement chaque produit").first.wait_for()
    timings["accueil_open_to_page_s"] = round(time.monotonic() - t, 2)
    _settle(page)
    _no_exception(page)
    page.get_by_text("Les 27 catégories").first.wait_for()
    _french_numbers(page)
    assert "500 × 500)" not in page.locator("[data-testid='stMain']").inner_text().split("vraies photos")[0]
    _shot(page, "01_accueil.png")

    # -- Classifier: a sample product with an image upload -------------------------------------
    row, result = expected
    _nav(page, "Classifier")
    page.get_by_label("Titre du produit (designation)").wait_for()
    # the models load in the background (progress bar); the sidebar says when they are ready
    page.locator("[data-testid='stSidebar']").get_by_text("Chargés en").first.wait_for(timeout=600_000)
    _settle(page)
    page.get_by_label("Titre du produit (designation)").fill(row["designation"])
    page.get_by_label("Titre du produit (designation)").press("Enter")
    _settle(page)
    page.get_by_text("Téléverser une photo").first.click()
    _settle(page)
    img = tmp_path / "produit.jpg"
    shutil.copy(row["image_path"], img)
    page.locator("[data-testid='stFileUploader'] input[type=file]").first.set_input_files(str(img))
    page.locator("[data-testid='stImageCaption'], [data-testid='stCaptionContainer']",
                 has_text="produit.jpg").first.wait_for()  # our preview of the uploaded photo
    _settle(page)
    t_click = time.monotonic()
    page.get_by_role("button", name="Classer ce produit").click()
    decision = page.locator("#decision-label")
    decision.wait_for(timeout=180_000)
    timings["server_start_to_first_result_s"] = round(time.monotonic() - server["t0"], 2)
    timings["classifier_click_to_first_result_s"] = round(time.monotonic() - t_click, 2)
    _settle(page)
    shown = decision.inner_text().strip()
    assert shown == label(result.code), (shown, label(result.code))
    assert page.get_by_text("Ce que dit chaque modèle").count() >= 1
    _no_exception(page)
    _french_numbers(page)
    assert "décidée par" not in page.locator("[data-testid='stMain']").inner_text()
    _shot(page, "04_classifier.png")
    # the prediction again, now warm
    t = time.monotonic()
    page.get_by_role("button", name="Classer ce produit").click()
    _settle(page)
    timings["classifier_click_to_result_warm_s"] = round(time.monotonic() - t, 2)
    # inputs change: the result is marked stale (defect 4)
    page.get_by_label("Titre du produit (designation)").fill(row["designation"] + " modifié")
    page.get_by_label("Titre du produit (designation)").press("Enter")
    _settle(page)
    page.get_by_text("Les entrées ont changé").first.wait_for()
    _shot(page, "04b_classifier_stale.png")

    # -- Données -------------------------------------------------------------------------------
    t = time.monotonic()
    _nav(page, "Données")
    page.get_by_text("Part de chaque catégorie").first.wait_for(timeout=180_000)
    _settle(page)
    timings["donnees_click_to_page_s"] = round(time.monotonic() - t, 2)
    _no_exception(page)
    _french_numbers(page)
    _shot(page, "02_donnees.png")
    t = time.monotonic()
    page.get_by_role("tab", name="Textes").click()
    page.get_by_text("par catégorie (boîte").first.wait_for()
    _settle(page)
    timings["donnees_click_to_tab_textes_s"] = round(time.monotonic() - t, 2)
    # defect 2: the 27 boxes stand side by side, not on top of each other at 0
    xs = page.evaluate("() => [...document.querySelectorAll('.boxlayer .trace')].map("
                       "t => Math.round(t.getBoundingClientRect().x))")
    assert len(set(xs)) >= 20, xs
    _shot(page, "02a_donnees_textes.png")
    page.get_by_role("tab", name="Images").click()
    page.get_by_text("Image moyenne par catégorie").first.wait_for()
    _settle(page)
    _shot(page, "02b_donnees_images.png")
    t = time.monotonic()
    page.get_by_role("tab", name="Galerie").click()
    page.get_by_text("produit(s) · page 1").first.wait_for()
    _settle(page)
    timings["donnees_click_to_gallery_s"] = round(time.monotonic() - t, 2)
    assert page.get_by_text("symbole du type de produit").count() >= 1  # symbol images are said
    _shot(page, "02c_donnees_galerie.png")

    # -- Modèles -------------------------------------------------------------------------------
    t = time.monotonic()
    _nav(page, "Modèles")
    page.get_by_text("Vue d'ensemble").first.wait_for()
    _settle(page)
    timings["modeles_click_to_page_s"] = round(time.monotonic() - t, 2)
    _no_exception(page)
    _french_numbers(page)
    assert "0,00 Mo" not in page.locator("[data-testid='stMain']").inner_text()
    _shot(page, "03_modeles.png")
    group = page.get_by_text("Modèles d'origine").first  # the original families, as a group
    group.wait_for()
    group.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "03b_modeles_origine.png"))

    assert not errors, errors
    (SHOTS / "timings.json").write_text(json.dumps(timings, indent=1) + "\n", encoding="utf-8")
    print("timings:", timings)
    for f in ("01_accueil.png", "02_donnees.png", "03_modeles.png", "04_classifier.png"):
        assert (SHOTS / f).stat().st_size > 10_000
    ctx.close()
