"""Start-up of the Streamlit app as a person feels it, measured in a real browser.

Starts ``streamlit run app.py`` headless on a free local port with an empty model cache (a cold
start, like a fresh machine), drives Debian's Chromium through Playwright (as
``tests/test_browser.py`` does) straight to the Classifier page, types a title as soon as the form
is shown and clicks "Classer ce produit", then gives a photo (upload of a sample product's picture)
and classifies again. Prints one table per run and the median over the runs:

* server start -> server answers its health check;
* server start -> Classifier page shown (the title field is there);
* server start -> first classification result shown (title only);
* photo given -> result with the photo shown (the image stack loads on first use);
* the server's RSS (process and children) after the first text-only result and after the first
  photo result, and whether TensorFlow was mapped into the server at each point.

    python3 bench/bench_app_start.py              # one cold start
    python3 bench/bench_app_start.py --runs 3     # three cold starts, medians
    ESHOPPYE_MODELS_DIR=DOSSIER python3 bench/bench_app_start.py   # another set of models

Needs chromium (``/usr/bin/chromium`` or ``ESHOPPYE_CHROMIUM``) and the ``playwright`` package of
``requirements-test.txt``; ``playwright install`` is never run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_server import free_port, rss_mb, settle, stop, streamlit_command, wait_health  # noqa: E402 - bench/app_server.py

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ESHOPPYE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
TITLE = "Manette sans fil pour PS4 Dualshock noire"
TITLE_FIELD = "Titre du produit (designation)"


def tensorflow_mapped(pid: int) -> bool:
    """True when TensorFlow's shared library is mapped into the server process."""
    try:
        return "libtensorflow" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def sample_photo() -> Path:
    """A picture of the bundled sample catalogue."""
    images = sorted((ROOT / "data" / "sample" / "images").rglob("*.jpg"))
    if not images:
        sys.exit("pas d'image dans data/sample/images : impossible de mesurer la classification avec photo")
    return images[0]


def one_run(browser, photo: Path, tmp: Path) -> dict[str, float | bool]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env["ESHOPPYE_CACHE"] = str(tmp / "cache")  # empty: a cold start
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    cmd = streamlit_command(sys.executable, port)
    row: dict[str, float | bool] = {}
    log = open(tmp / "streamlit.log", "wb")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_health(url, proc)
        except RuntimeError as exc:
            sys.exit(str(exc))
        row["health_s"] = time.monotonic() - t0
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
        page = ctx.new_page()
        page.set_default_timeout(300_000)
        page.goto(url + "/classifier")
        field = page.get_by_label(TITLE_FIELD)
        field.wait_for()
        row["page_s"] = time.monotonic() - t0
        field.fill(TITLE)
        field.press("Enter")
        page.get_by_role("button", name="Classer ce produit").click()
        page.locator("#decision-label").wait_for()
        row["text_result_s"] = time.monotonic() - t0
        settle(page)
        row["rss_text_mb"] = rss_mb(proc.pid)
        row["tf_after_text"] = tensorflow_mapped(proc.pid)

        # a photo: upload it, then classify; the timer starts when the photo is given
        page.get_by_text("Téléverser une photo").first.click()
        settle(page)
        shutil.copy(photo, tmp / "produit.jpg")
        t_photo = time.monotonic()
        page.locator("[data-testid='stFileUploader'] input[type=file]").first.set_input_files(str(tmp / "produit.jpg"))
        page.locator("[data-testid='stImageCaption'], [data-testid='stCaptionContainer']",
                     has_text="produit.jpg").first.wait_for()
        settle(page)
        page.get_by_role("button", name="Classer ce produit").click()
        page.locator(".decision .chip-ok", has_text="photo").first.wait_for()
        settle(page)
        row["photo_result_s"] = time.monotonic() - t_photo
        row["rss_photo_mb"] = rss_mb(proc.pid)
        row["tf_after_photo"] = tensorflow_mapped(proc.pid)
        ctx.close()
    finally:
        stop(proc)
        log.close()
    return row


COLUMNS = (("health_s", "démarrage -> serveur prêt (s)"),
           ("page_s", "démarrage -> page Classifier affichée (s)"),
           ("text_result_s", "démarrage -> 1er résultat, titre seul (s)"),
           ("photo_result_s", "photo donnée -> résultat avec photo (s)"),
           ("rss_text_mb", "RSS après le 1er résultat texte (Mo)"),
           ("tf_after_text", "TensorFlow chargé après le texte"),
           ("rss_photo_mb", "RSS après le 1er résultat photo (Mo)"),
           ("tf_after_photo", "TensorFlow chargé après la photo"))


def show(value) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return f"{value:.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Démarrage de l'app mesuré dans Chromium (serveur à froid).")
    ap.add_argument("--runs", type=int, default=1, help="nombre de démarrages à froid (défaut : 1)")
    args = ap.parse_args(argv)
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        sys.exit(f"chromium absent ({CHROMIUM}) : apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("paquet Python playwright absent : pip install -r requirements-test.txt")
    photo = sample_photo()
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for i in range(args.runs):
                with tempfile.TemporaryDirectory(prefix="bench_app_start_") as tmp:
                    rows.append(one_run(browser, photo, Path(tmp)))
                print(f"démarrage {i + 1}/{args.runs} : " + ", ".join(f"{k}={show(v)}" for k, v in rows[-1].items()),
                      flush=True)
        finally:
            browser.close()
    width = max(len(title) for _, title in COLUMNS)
    print(f"\n{'mesure':<{width}}  " + "  ".join(f"run {i + 1:>2}" for i in range(len(rows)))
          + ("   médiane" if len(rows) > 1 else ""))
    for key, title in COLUMNS:
        values = [r[key] for r in rows]
        line = f"{title:<{width}}  " + "  ".join(f"{show(v):>6}" for v in values)
        if len(rows) > 1 and not isinstance(values[0], bool):
            line += f"  {show(statistics.median(values)):>8}"
        print(line)
    print(f"\n(machine : {os.cpu_count()} cœur(s), charge {os.getloadavg()[0]:.2f} ; objectif de l'issue 9 : "
          "démarrage -> 1er résultat <= 15 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
