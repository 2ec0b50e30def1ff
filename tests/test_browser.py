"""End-to-end test in a real browser (Debian chromium driven by Playwright).

Starts ``streamlit run app.py`` on loopback, opens every page, classifies a sample product with an
image upload, checks the category shown against the library's own answer, and saves screenshots
under ``reports/screenshots/``. Also measures the time from ``streamlit run`` to the first page
served and to the first prediction (written to ``reports/screenshots/timings.json``).

Skipped with a clear reason when chromium or the Python ``playwright`` package is missing
(``make test`` installs both). ``playwright install`` is never run: the system chromium is used.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "reports" / "screenshots"
CHROMIUM = os.environ.get("ESHOPPYE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
# Development hooks (default: the bundled sample catalogue, models/ and reports/metrics.json).
DATA = os.environ.get("ESHOPPYE_TEST_APP_DATA", "")
MODELS = os.environ.get("ESHOPPYE_TEST_APP_MODELS", "")
METRICS = os.environ.get("ESHOPPYE_TEST_APP_METRICS", "")

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit s'est arrêté (code {proc.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("streamlit n'a pas répondu à temps")


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
    from eshoppye import app_state
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
        models = app_state.load_app_models().models
        result = classify_product(models, row["designation"], "", Path(row["image_path"]).read_bytes())
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert result.code is not None
    return row, result


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = _app_env(tmp_path_factory.mktemp("appcache"))
    log = tmp_path_factory.mktemp("applog") / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    t0 = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url, proc)
        yield {"url": url, "t0": t0, "env": env, "log": log, "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _settle(page, timeout: float = 90_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|Stop/)",
        timeout=timeout)
    page.wait_for_timeout(500)


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


def test_browser_end_to_end(browser, expected, server, tmp_path):
    from eshoppye.categories import label

    SHOTS.mkdir(parents=True, exist_ok=True)
    timings = {}
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # -- Accueil: first page served -----------------------------------------------------------
    page.goto(server["url"])
    page.get_by_text("Ranger automatiquement chaque produit").first.wait_for()
    timings["first_page_s"] = round(time.monotonic() - server["t0"], 2)
    _settle(page)
    _no_exception(page)
    page.get_by_text("Les 27 catégories").first.wait_for()
    _shot(page, "01_accueil.png")

    # -- Classifier: a sample product with an image upload -------------------------------------
    row, result = expected
    _nav(page, "Classifier")
    page.get_by_label("Titre du produit (designation)").wait_for()
    _settle(page)
    page.get_by_label("Titre du produit (designation)").fill(row["designation"])
    page.get_by_label("Titre du produit (designation)").press("Enter")
    _settle(page)
    page.get_by_text("Téléverser une photo").first.click()
    _settle(page)
    img = tmp_path / "produit.jpg"
    shutil.copy(row["image_path"], img)
    page.locator("[data-testid='stFileUploader'] input[type=file]").first.set_input_files(str(img))
    page.get_by_text("produit.jpg").first.wait_for()
    _settle(page)
    t_click = time.monotonic()
    page.get_by_role("button", name="Classer ce produit").click()
    decision = page.locator("#decision-label")
    decision.wait_for(timeout=180_000)
    timings["first_prediction_s"] = round(time.monotonic() - server["t0"], 2)
    timings["click_to_prediction_s"] = round(time.monotonic() - t_click, 2)
    _settle(page)
    shown = decision.inner_text().strip()
    assert shown == label(result.code), (shown, label(result.code))
    assert page.get_by_text("Ce que dit chaque modèle").count() >= 1
    _no_exception(page)
    _shot(page, "04_classifier.png")
    # the prediction again, now warm
    t = time.monotonic()
    page.get_by_role("button", name="Classer ce produit").click()
    _settle(page)
    timings["warm_prediction_s"] = round(time.monotonic() - t, 2)

    # -- Données -------------------------------------------------------------------------------
    _nav(page, "Données")
    page.get_by_text("Part de chaque catégorie").first.wait_for(timeout=180_000)
    _settle(page)
    _no_exception(page)
    _shot(page, "02_donnees.png")
    page.get_by_role("tab", name="Images").click()
    page.get_by_text("Image moyenne par catégorie").first.wait_for()
    _settle(page)
    _shot(page, "02b_donnees_images.png")
    page.get_by_role("tab", name="Galerie").click()
    _settle(page)
    _shot(page, "02c_donnees_galerie.png")

    # -- Modèles -------------------------------------------------------------------------------
    _nav(page, "Modèles")
    page.get_by_text("Vue d'ensemble").first.wait_for()
    _settle(page)
    _no_exception(page)
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
