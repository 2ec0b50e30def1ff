"""The review loop's storage, on SQLite and on a real PostgreSQL (throwaway cluster): migrations
from an empty database, queue order and filters, append-only verdicts, the app's feedback,
precision from reviews, two reviewers at once, an unreachable database, export in the challenge
format, and the command line (``predict --review-below``, ``reviews status|export``).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
_COUNTER = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty review database of each kind (a new SQLite file, or a new PostgreSQL database)."""
    from eshoppye.review import db

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reviews.sqlite'}"
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"review_{next(_COUNTER)}_{tmp_path.name[-20:].lower()}".replace("-", "_"))
    yield url
    db.forget_engines()


def _row(i: int, conf: float, codes=(10, 2280), **kw) -> dict:
    top = {"text-tfidf": [(codes[0], conf), (codes[1], conf / 2)], "image-effnet": [(codes[-1], 0.5)]}
    return {"designation": f"produit {i}", "description": "", "productid": 100 + i, "imageid": 900 + i,
            "top3": top, "decision": codes[0], "confidence": conf, "decided_by": "text-tfidf",
            "model_versions": {"text-tfidf": "1"}, **kw}


def test_sqlite_file_created_in_cache_on_first_use(tmp_path, monkeypatch):
    from eshoppye.review import db, store

    monkeypatch.setenv("ESHOPPYE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ESHOPPYE_DB_URL", raising=False)
    assert db.database_url() == f"sqlite:///{tmp_path / 'cache' / 'reviews.sqlite'}"
    assert not (tmp_path / "cache").exists()
    assert store.progress() == (0, 0)
    assert (tmp_path / "cache" / "reviews.sqlite").is_file()
    monkeypatch.setenv("ESHOPPYE_DB_URL", "postgresql+psycopg://u:secret@db.example/x")
    assert db.database_url().startswith("postgresql+psycopg://")
    assert "secret" not in db.shown_url()
    db.forget_engines()


def test_migration_from_empty_database(db_url):
    from sqlalchemy import create_engine, inspect, text

    from eshoppye.review import db

    raw = create_engine(db_url)
    assert inspect(raw).get_table_names() == []
    engine = db.get_engine(db_url)
    tables = set(inspect(raw).get_table_names())
    assert {"predictions", "reviews", "alembic_version"} <= tables
    cols = {c["name"] for c in inspect(raw).get_columns("reviews")}
    assert {"prediction_id", "verdict", "code", "reviewer", "created"} <= cols
    with raw.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    db.upgrade(engine)  # running it again changes nothing
    with raw.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    raw.dispose()


def test_queue_sorted_by_confidence_with_filters(db_url):
    from eshoppye.review import store

    rows = [_row(0, 0.5), _row(1, 0.2, codes=(2280, 2280)), _row(2, 0.35, codes=(1160, 2280)), _row(3, 0.1)]
    assert store.enqueue(rows, url=db_url) == 4
    assert store.enqueue([_row(0, 0.5)], url=db_url) == 0  # already waiting: not queued twice
    assert [it.confidence for it in store.queue(url=db_url)] == [0.1, 0.2, 0.35, 0.5]
    assert [it.productid for it in store.queue(category=2280, url=db_url)] == [101]
    disagree = store.queue(disagreement=True, url=db_url)
    assert [it.productid for it in disagree] == [103, 102, 100]  # product 101: both models say 2280
    assert store.categories_in_queue(url=db_url) == [10, 1160, 2280]
    first = store.queue(url=db_url)[0]
    assert first.top3["text-tfidf"][0] == (10, 0.1) and first.model_versions == {"text-tfidf": "1"}
    assert store.progress(url=db_url) == (0, 4)


def test_verdicts_are_appended_latest_wins_history_kept(db_url):
    from sqlalchemy import func, select

    from eshoppye.errors import EshoppyeError
    from eshoppye.review import db, store
    from eshoppye.review.schema import Review

    store.enqueue([_row(0, 0.3), _row(1, 0.4)], url=db_url)
    item = store.queue(url=db_url)[0]
    first = store.record_verdict(item.id, "confirmed", reviewer="Alice", url=db_url)
    assert first.others == []
    second = store.record_verdict(item.id, "corrected", 1160, reviewer="Bob", seen_review_id=first.review_id,
                                  url=db_url)
    assert second.others == []
    got = store.get(item.id, url=db_url)
    assert (got.verdict.verdict, got.verdict.code, got.verdict.reviewer) == ("corrected", 1160, "Bob")
    assert [(v.verdict, v.code) for v in got.history] == [("confirmed", 10), ("corrected", 1160)]
    assert store.progress(url=db_url) == (1, 2)
    assert [it.id for it in store.queue(url=db_url)] != [item.id]  # no longer pending
    store.record_verdict(item.id, "unclassifiable", reviewer="Chloé", url=db_url)
    assert store.get(item.id, url=db_url).truth is None
    with pytest.raises(EshoppyeError, match="catégorie inconnue"):
        store.record_verdict(item.id, "corrected", 1234, url=db_url)
    with pytest.raises(EshoppyeError, match="introuvable"):
        store.record_verdict(99999, "confirmed", url=db_url)
    with db.session(db_url) as s:
        assert s.scalar(select(func.count(Review.id))) == 3


def test_feedback_on_a_single_classification(db_url, tmp_path):
    from eshoppye.predict import Classification
    from eshoppye.review import store

    result = Classification(code=2280, confidence=0.91, decided_by="fusion-late", inputs={"text": True, "image": True},
                            per_model={"text-tfidf": [(2280, 0.8), (2403, 0.1), (10, 0.05), (1160, 0.01)]},
                            silent=[], fusion_inputs="", fusion_shares={}, words=[], seconds={}, total_seconds=0.1)
    html_title = "<script>alert(1)</script> Magazine <b>gras</b>"
    rec = store.record_feedback(result, html_title, "<p>desc</p>", verdict="corrected", code=2403,
                                reviewer="  Dana  ", image=b"\x89PNG fake", url=db_url)
    item = store.get(rec.prediction_id, url=db_url)
    assert item.designation == html_title  # stored as given, shown inert by the page
    assert item.source == "app" and item.decision == 2280 and len(item.top3["text-tfidf"]) == 3
    assert (item.verdict.verdict, item.verdict.code, item.verdict.reviewer) == ("corrected", 2403, "Dana")
    assert Path(item.image_ref).read_bytes() == b"\x89PNG fake"
    ok = store.record_feedback(result, "autre produit", verdict="confirmed", url=db_url)
    assert store.get(ok.prediction_id, url=db_url).truth == 2280


def test_precision_by_category_from_reviews(db_url):
    from eshoppye.review import store

    store.enqueue([_row(i, 0.1 + i / 100, codes=(10, 2280)) for i in range(4)], url=db_url)
    items = store.queue(url=db_url)
    store.record_verdict(items[0].id, "confirmed", url=db_url)       # 10 right, image (2280) wrong
    store.record_verdict(items[1].id, "corrected", 2280, url=db_url)  # 10 wrong, image right
    store.record_verdict(items[2].id, "corrected", 1160, url=db_url)  # both wrong
    store.record_verdict(items[3].id, "unclassifiable", url=db_url)   # not counted
    rows = {(r["model"], r["category"]): r for r in store.precision_by_category(url=db_url)}
    assert rows[("text-tfidf", 10)]["reviewed"] == 3 and rows[("text-tfidf", 10)]["correct"] == 1
    assert rows[("image-effnet", 2280)]["precision"] == pytest.approx(1 / 3)
    assert rows[("décision", 10)]["precision"] == pytest.approx(1 / 3)


def test_two_reviewers_at_once_lose_no_verdict(db_url):
    """Two reviewers (threads with their own database connections) answer the same product at the
    same moment, many times: every verdict is stored, each sees the other's as a concurrent one."""
    from eshoppye.review import store

    store.enqueue([_row(0, 0.3)], url=db_url)
    pid = store.queue(url=db_url)[0].id
    n = 15
    barrier = threading.Barrier(2)
    results: dict[str, list] = {"Alice": [], "Bob": []}
    errors: list[BaseException] = []

    def reviewer(name: str, code: int) -> None:
        try:  # each call opens its own connection (SQLite: no pool; PostgreSQL: one per thread)
            barrier.wait()
            for _ in range(n):
                results[name].append(store.record_verdict(pid, "corrected", code, reviewer=name,
                                                          seen_review_id=None, url=db_url))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reviewer, args=("Alice", 1160)),
               threading.Thread(target=reviewer, args=("Bob", 2280))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    item = store.get(pid, url=db_url)
    assert len(item.history) == 2 * n
    assert {v.reviewer for v in item.history} == {"Alice", "Bob"}
    assert sorted(v.id for v in item.history) == sorted(r.review_id for rs in results.values() for r in rs)
    # the last one to write sees the other's verdicts as having arrived meanwhile
    last = max((r for rs in results.values() for r in rs), key=lambda r: r.review_id)
    assert {v.reviewer for v in last.others} == {"Alice", "Bob"}


def test_two_processes_enqueue_and_review_at_once(db_url, tmp_path):
    """Two separate processes write verdicts to the same product at once: both sets are kept."""
    from eshoppye.review import store

    store.enqueue([_row(0, 0.3)], url=db_url)
    pid = store.queue(url=db_url)[0].id
    go = tmp_path / "go"
    script = (
        "import sys, time, pathlib\n"
        "from eshoppye.review import store\n"
        "url, pid, name, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], pathlib.Path(sys.argv[4])\n"
        "store.progress(url=url)\n"
        "while not go.exists(): time.sleep(0.01)\n"
        "for _ in range(10): store.record_verdict(pid, 'confirmed', reviewer=name, url=url)\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, db_url, str(pid), name, str(go)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for name in ("P1", "P2")]
    go.touch()
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    hist = store.get(pid, url=db_url).history
    assert len(hist) == 20 and {v.reviewer for v in hist} == {"P1", "P2"}


def test_two_processes_migrate_an_empty_database_at_once(db_url, tmp_path):
    """Two processes open the same empty database at the same moment: the schema is created once."""
    from sqlalchemy import create_engine, text

    go = tmp_path / "go"
    script = ("import sys, time, pathlib\n"
              "from eshoppye.review import store\n"
              "while not pathlib.Path(sys.argv[2]).exists(): time.sleep(0.005)\n"
              "print(store.progress(url=sys.argv[1]))\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, db_url, str(go)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "(0, 0)", err
    raw = create_engine(db_url)
    with raw.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0001"]
    raw.dispose()


def test_unreachable_database_is_one_french_line(monkeypatch, tmp_path):
    from eshoppye.review import ReviewUnavailable, db, store

    with socket_closed_port() as port:
        url = f"postgresql+psycopg://someone:topsecret@127.0.0.1:{port}/nothing"
        with pytest.raises(ReviewUnavailable) as err:
            store.progress(url=url)
        msg = str(err.value)
        assert msg.startswith("base de révision injoignable") and "\n" not in msg and "topsecret" not in msg
        env = {"ESHOPPYE_DB_URL": url, "ESHOPPYE_CACHE": str(tmp_path)}
        proc = subprocess.run([sys.executable, "-m", "eshoppye", "reviews", "status"], cwd=ROOT,
                              capture_output=True, text=True, env={**_env(), **env}, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "injoignable" in proc.stderr
    assert "Traceback" not in proc.stderr
    with pytest.raises(ReviewUnavailable, match="mal formée"):
        store.progress(url="nimportequoi")
    with pytest.raises(ReviewUnavailable, match="non prise en charge"):
        store.progress(url="mysql://x@y/z")
    db.forget_engines()


class socket_closed_port:
    """A loopback port nothing listens on."""

    def __enter__(self) -> int:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        return self.port

    def __exit__(self, *exc) -> None:
        return None


def _env() -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("ESHOPPYE_")}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def test_export_is_read_back_by_the_challenge_reader(db_url, tmp_path):
    from PIL import Image

    from eshoppye.data import load_dataset
    from eshoppye.predict import Classification
    from eshoppye.review import store
    from eshoppye.review.export import SYNTHETIC_ID_BASE, export_reviews

    img = tmp_path / "p.png"
    Image.new("RGB", (20, 20), (10, 200, 30)).save(img)
    store.enqueue([_row(0, 0.3, image_ref=str(img), description="<b>gras</b>, \"guillemets\"\nligne"),
                   _row(1, 0.4), _row(2, 0.5)], url=db_url)
    a, b, c = store.queue(url=db_url)
    store.record_verdict(a.id, "confirmed", url=db_url)
    store.record_verdict(a.id, "corrected", 2280, url=db_url)  # latest wins
    store.record_verdict(b.id, "confirmed", url=db_url)
    store.record_verdict(c.id, "unclassifiable", url=db_url)
    result = Classification(code=10, confidence=0.5, decided_by="text-tfidf", inputs={}, per_model={},
                            silent=[], fusion_inputs="", fusion_shares={}, words=[], seconds={}, total_seconds=0)
    fb = store.record_feedback(result, "retour de l'application", verdict="corrected", code=1160, url=db_url)

    summary = export_reviews(tmp_path / "out", url=db_url)
    assert (summary.products, summary.corrected, summary.confirmed, summary.with_image) == (2, 2, 0, 1)
    ds = load_dataset(tmp_path / "out", "train", strict=False)
    got = dict(zip(ds.frame["productid"], ds.frame["prdtypecode"]))
    assert got == {100: 2280, SYNTHETIC_ID_BASE + fb.prediction_id: 1160}
    assert ds.frame.loc[ds.frame["productid"] == 100, "description"].iloc[0] == "<b>gras</b>, \"guillemets\"\nligne"
    assert ds.missing_images == 1
    with Image.open(ds.frame.loc[ds.frame["productid"] == 100, "image_path"].iloc[0]) as im:
        assert im.format == "JPEG"
    both = export_reviews(tmp_path / "out2", with_confirmed=True, url=db_url)
    assert both.products == 3 and both.confirmed == 1


def test_cli_predict_review_below_and_export(tmp_path):
    """``eshoppye predict --review-below`` with the bundled text-tfidf model queues exactly the
    products under the threshold; ``reviews status`` and ``reviews export`` work on them."""
    from eshoppye.review import db, store

    x = pd.read_csv(SAMPLE / "X_test_update.csv", index_col=0).head(40)
    x.to_csv(tmp_path / "in.csv")
    env = {**_env(), "ESHOPPYE_CACHE": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "eshoppye", "predict", "--models", str(ROOT / "models"), "--only", "text-tfidf",
           "--input", str(tmp_path / "in.csv"), "--images", str(SAMPLE / "images"),
           "--output", str(tmp_path / "out.csv"), "--review-below", "0,6"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = pd.read_csv(tmp_path / "out.csv")
    unsure = out[out["confidence"] < 0.6]
    assert 0 < len(unsure) < len(out)
    assert f"{len(unsure)} produit(s) de confiance inférieure à 0.6" in proc.stdout
    url = f"sqlite:///{tmp_path / 'cache' / 'reviews.sqlite'}"
    items = store.queue(limit=None, url=url)
    assert sorted(it.productid for it in items) == sorted(unsure["productid"])
    assert all(it.image_ref and Path(it.image_ref).is_file() for it in items)
    assert all(it.model_versions.get("text-tfidf") for it in items)
    store.record_verdict(items[0].id, "corrected", 1160 if items[0].decision != 1160 else 10, url=url)
    db.forget_engines()
    status = subprocess.run([sys.executable, "-m", "eshoppye", "reviews", "status"], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=120)
    assert f"1 / {len(items)} revus" in status.stdout
    exp = subprocess.run([sys.executable, "-m", "eshoppye", "reviews", "export", "--out", str(tmp_path / "x")],
                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert exp.returncode == 0 and "1 produit(s) exporté(s)" in exp.stdout, exp.stderr
    bad = subprocess.run(cmd[:-1] + ["2"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "seuil invalide" in bad.stderr
    # an unreachable database: the predictions are written all the same, then one French line
    (tmp_path / "out.csv").unlink()
    with socket_closed_port() as port:
        down = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600,
                              env={**env, "ESHOPPYE_DB_URL": f"postgresql+psycopg://u@127.0.0.1:{port}/x"})
    assert down.returncode == 2 and "injoignable" in down.stderr and "Traceback" not in down.stderr
    assert len(pd.read_csv(tmp_path / "out.csv")) == len(out)
