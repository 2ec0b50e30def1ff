"""The Révision page in a real browser (Debian chromium, Playwright), reusing the server and
browser of ``test_browser.py``: a review session walked through with the mouse and the keyboard
shortcuts, with screenshots (in ``ESHOPPYE_SHOTS_DIR`` when set, else the test's temporary folder,
so that the test run never touches tracked files)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_browser import _nav, _no_exception, _settle, browser, server  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
pytestmark = pytest.mark.slow


def _seed(url: str) -> list[dict]:
    from eshoppye.data import load_dataset
    from eshoppye.review import db, store

    frame = load_dataset(SAMPLE).frame
    frame = frame[frame["image_path"] != ""].iloc[::97].head(12)
    rows = []
    for i, (_, p) in enumerate(frame.iterrows()):
        code = int(p["prdtypecode"])
        other = 2280 if code != 2280 else 10
        first = code if i % 3 else other  # a third of them wrong
        rows.append({"designation": p["designation"], "description": p["description"], "productid": p["productid"],
                     "imageid": p["imageid"], "image_ref": p["image_path"], "decision": first,
                     "confidence": 0.2 + i / 30, "decided_by": "fusion-late",
                     "top3": {"text-tfidf": [(first, 0.3), (code if first != code else other, 0.2), (1160, 0.1)],
                              "image-effnet": [(code, 0.5), (other, 0.2), (1300, 0.1)]},
                     "model_versions": {"text-tfidf": "3", "image-effnet": "2"}})
    store.enqueue(rows, url=url)
    db.forget_engines()
    return rows


def _shot(page, path: Path) -> None:
    """The whole page: the viewport is stretched to the height of Streamlit's main area."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]') || document.body;"
        " return Math.max(m.scrollHeight, document.body.scrollHeight); }")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, 800), 7000)})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def _progress(page) -> str:
    return page.locator("[data-testid='stProgress']").first.inner_text()


def test_browser_review_session(browser, server, tmp_path):  # noqa: F811
    shots = Path(os.environ.get("ESHOPPYE_SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    # the server's database: ESHOPPYE_DB_URL when the run sets one (must be empty), else SQLite in its cache
    url = server["env"].get("ESHOPPYE_DB_URL") or f"sqlite:///{Path(server['env']['ESHOPPYE_CACHE']) / 'reviews.sqlite'}"
    _seed(url)
    from eshoppye.review import db, store

    ctx = browser.new_context(viewport={"width": 1440, "height": 1100}, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server["url"])
    _settle(page)
    _nav(page, "Révision")
    page.get_by_text("Révision des produits incertains").first.wait_for()
    _settle(page)
    _no_exception(page)
    assert re.search(r"0 / 12 revus", _progress(page))
    _shot(page, shots / "05_revision.png")

    page.get_by_label("Votre nom (enregistré avec chaque verdict)").fill("Camille")
    page.get_by_label("Votre nom (enregistré avec chaque verdict)").press("Enter")
    _settle(page)
    # keyboard: V confirms the product on screen (focus outside any text field)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("v")
    page.get_by_text("1 / 12 revus").first.wait_for()
    _settle(page)
    # keyboard: 1 picks the first proposed alternative
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("1")
    page.get_by_text("2 / 12 revus").first.wait_for()
    _settle(page)
    # mouse: confirm the next one
    page.get_by_role("button", name=re.compile("Confirmer")).first.click()
    page.get_by_text("3 / 12 revus").first.wait_for()
    _settle(page)
    _no_exception(page)
    page.get_by_text("Précision des modèles d'après les révisions").first.wait_for()
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 1
    _shot(page, shots / "05b_revision_apres.png")
    reviewed = store.queue("reviewed", url=url)
    assert len(reviewed) == 3 and all(it.verdict.reviewer == "Camille" for it in reviewed)
    assert sorted(it.verdict.verdict for it in reviewed) == ["confirmed", "confirmed", "corrected"]
    db.forget_engines()
    assert not errors, errors
    for f in ("05_revision.png", "05b_revision_apres.png"):
        assert (shots / f).stat().st_size > 10_000
    ctx.close()
