"""Classifying a catalogue on Dask (eshoppye/batch.py): a real LocalCluster of 2 worker processes.

The partitioned output must equal the in-process path row for row; ``--resume`` must redo only
the missing parts, after a deleted part and after a real ``kill -9``; a partition that cannot be
read must be named in one French line. Text models only (fast), plus one image-feature run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from eshoppye.batch import predict_catalogue
from eshoppye.errors import EshoppyeError
from eshoppye.partitions import input_files, plan_partitions, read_output, read_partition
from eshoppye.predict import predict_file
from eshoppye.products import read_products

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
TEST_CSV = SAMPLE / "X_test_update.csv"
MODELS = ROOT / "models"
ONLY = ["text-tfidf"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A LocalCluster of 2 processes (1 thread each) for the module, with its own feature cache."""
    from distributed import LocalCluster

    old = os.environ.get("ESHOPPYE_CACHE")
    os.environ["ESHOPPYE_CACHE"] = str(tmp_path_factory.mktemp("worker-cache"))
    try:
        c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="2GB",
                         dashboard_address=None)
    finally:
        if old is None:
            os.environ.pop("ESHOPPYE_CACHE", None)
        else:
            os.environ["ESHOPPYE_CACHE"] = old
    yield c.scheduler_address
    c.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    """The in-process path on the sample test file, as written."""
    out = tmp_path_factory.mktemp("ref") / "ref.csv"
    predict_file(MODELS, TEST_CSV, out, only=ONLY)
    return pd.read_csv(out, dtype=str, keep_default_na=False)


def _run_cli(*args, timeout=900, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "eshoppye", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=timeout, **kw)


# -- partitions, no cluster -------------------------------------------------------------------------

def test_csv_partitions_cover_the_file_with_multiline_fields(tmp_path):
    rows = [{"designation": f"titre {i}", "description": f"ligne 1\nligne 2 \"cité\" {i}" if i % 3 == 0 else "",
             "productid": i, "imageid": i} for i in range(23)]
    path = tmp_path / "x.csv"
    pd.DataFrame(rows).to_csv(path)
    specs = plan_partitions(input_files(path), 5)
    assert [s.rows for s in specs] == [5, 5, 5, 5, 3]
    whole = read_products(path).frame
    parts = pd.concat([read_partition(s).frame for s in specs], ignore_index=True)
    pd.testing.assert_frame_equal(parts, whole)  # same rows, same file line numbers


def test_parquet_partitions_cross_row_groups(tmp_path):
    frame = pd.DataFrame({"designation": [f"t{i}" for i in range(50)], "productid": range(50)})
    path = tmp_path / "x.parquet"
    frame.to_parquet(path, row_group_size=7)
    specs = plan_partitions(input_files(path), 11)
    got = pd.concat([read_partition(s).frame for s in specs], ignore_index=True)
    assert got["designation"].tolist() == frame["designation"].tolist()
    assert got["_line"].tolist() == list(range(1, 51))


def test_small_input_stays_in_process_as_one_file(tmp_path, reference):
    out = tmp_path / "small.csv"
    predict_catalogue(MODELS, TEST_CSV, out, only=ONLY)
    assert out.is_file()
    pd.testing.assert_frame_equal(pd.read_csv(out, dtype=str, keep_default_na=False), reference)


def test_bad_input_names_are_clear(tmp_path):
    with pytest.raises(EshoppyeError, match="aucun fichier"):
        input_files(tmp_path / "*.parquet")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(EshoppyeError, match="format non reconnu"):
        input_files(tmp_path / "x.json")


# -- on the cluster ---------------------------------------------------------------------------------

def test_cluster_result_identical_to_in_process(tmp_path, cluster, reference):
    out = tmp_path / "out.csv"
    result = predict_catalogue(MODELS, TEST_CSV, out, only=ONLY, scheduler=cluster, partition_rows=70,
                               progress=False)
    assert out.is_dir() and result.partitions == 5 and result.rows == len(reference)
    pd.testing.assert_frame_equal(read_output(out), reference)
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["rows_out"] for p in manifest["partitions"]] == [70, 70, 70, 70, 20]
    assert manifest["complete"] and manifest["rows_out"] == manifest["rows_in"] == 300
    assert len(result.workers) == 2  # both worker processes took partitions


def test_parquet_glob_in_parquet_out(tmp_path, cluster, reference):
    frame = pd.read_csv(TEST_CSV, dtype=str, keep_default_na=False)
    frame = frame.rename(columns={frame.columns[0]: "index"})
    (tmp_path / "in").mkdir()
    frame.iloc[:120].to_parquet(tmp_path / "in" / "a.parquet", index=False)
    frame.iloc[120:].to_parquet(tmp_path / "in" / "b.parquet", index=False)
    out = tmp_path / "out.parquet"
    predict_catalogue(MODELS, str(tmp_path / "in" / "*.parquet"), out, only=ONLY, scheduler=cluster,
                      partition_rows=50, progress=False)
    got = read_output(out)
    assert len(got) == len(reference)
    assert got["designation"].tolist() == reference["designation"].tolist()  # input order kept
    assert got["prdtypecode"].astype(str).tolist() == reference["prdtypecode"].tolist()


def test_resume_redoes_only_the_missing_part(tmp_path, cluster, reference):
    out = tmp_path / "out.csv"
    predict_catalogue(MODELS, TEST_CSV, out, only=ONLY, scheduler=cluster, partition_rows=70, progress=False)
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.csv")}
    (out / "part-00002.csv").unlink()
    time.sleep(0.05)
    result = predict_catalogue(MODELS, TEST_CSV, out, only=ONLY, scheduler=cluster, partition_rows=70,
                               resume=True, progress=False)
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.csv")}
    redone = sorted(n for n in after if after[n] != before.get(n))
    assert redone == ["part-00002.csv"] and result.skipped == 4
    pd.testing.assert_frame_equal(read_output(out), reference)


def test_failing_partition_is_named(tmp_path, reference):
    """Through the CLI with --workers 2 (a LocalCluster of its own): one unreadable partition."""
    lines = TEST_CSV.read_bytes().splitlines(keepends=True)
    lines[150] = lines[150].replace(b"e", b"\x81", 1)  # a byte neither UTF-8 nor Windows-1252
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"".join(lines))
    bad_mtime = bad.stat().st_mtime_ns
    out = tmp_path / "out.csv"
    r = _run_cli("predict", "--models", str(MODELS), "--only", "text-tfidf", "--input", str(bad), "--output",
                 str(out), "--workers", "2", "--partition-rows", "70")
    assert r.returncode == 2, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert "Traceback" not in r.stderr, r.stderr
    assert "1 partition(s) en échec" in last and "partition 2 (bad.csv, lignes 142-211)" in last
    assert "encodage illisible" in last
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["status"] for p in manifest["partitions"]] == ["ok", "ok", "failed", "ok", "ok"]
    assert not (out / "part-00002.csv").exists()
    # the byte repaired in place (same size; mtime put back so that the other parts still match the
    # file): --resume, in this process, redoes the failed partition only and the result is complete
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.csv")}
    bad.write_bytes(TEST_CSV.read_bytes())
    os.utime(bad, ns=(bad_mtime, bad_mtime))
    r = _run_cli("predict", "--models", str(MODELS), "--only", "text-tfidf", "--input", str(bad), "--output",
                 str(out), "--partition-rows", "70", "--resume")
    assert r.returncode == 0, r.stderr
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.csv")}
    assert sorted(n for n in after if after[n] != before.get(n)) == ["part-00002.csv"]
    pd.testing.assert_frame_equal(read_output(out), reference)


def test_resume_after_kill_9(tmp_path, reference):
    """A real `kill -9` of a running `eshoppye predict --workers 2` (driver and workers), then --resume."""
    out = tmp_path / "out.csv"
    args = ("predict", "--models", str(MODELS), "--only", "text-tfidf", "--input", str(TEST_CSV), "--output",
            str(out), "--workers", "2", "--partition-rows", "4")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "eshoppye", *args], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while not len(list(out.glob("part-*.json"))) >= 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        finished = (out / "manifest.json").exists()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the process group this test started: driver + workers
        proc.wait(timeout=60)
    assert not finished, "the run ended before the kill: nothing was interrupted"
    time.sleep(1)  # let killed workers' file handles go
    kept = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.csv") if p.with_suffix(".json").exists()}
    assert 3 <= len(kept) < 75
    r = _run_cli("predict", *args[1:], "--resume")
    assert r.returncode == 0, r.stderr
    assert f"reprise: {len(kept)} partition(s)" in r.stdout
    for name, mtime in kept.items():
        assert (out / name).stat().st_mtime_ns == mtime  # kept, not redone
    pd.testing.assert_frame_equal(read_output(out), reference)


@pytest.mark.slow
def test_image_features_on_cluster_equal_in_process(tmp_path, cluster, monkeypatch):
    """`train --workers` computes image features on the cluster into the shared cache: same numbers."""
    from eshoppye.batch import warm_image_features
    from eshoppye.image.features import FeatureCache

    monkeypatch.setenv("ESHOPPYE_CACHE", str(tmp_path / "cache"))
    frame = pd.read_csv(TEST_CSV).iloc[:12]
    frame["image_path"] = [str(SAMPLE / "images" / "image_test" / f"image_{i}_product_{p}.jpg")
                           for i, p in zip(frame["imageid"], frame["productid"])]
    assert all(Path(p).is_file() for p in frame["image_path"])
    totals = warm_image_features(frame, scheduler=cluster, chunk=6, progress=False)
    assert totals["computed"] == 12 and totals["failed"] == 0
    cache = FeatureCache()
    assert len(cache) == 12  # the workers' shards, in this process's cache directory
    from_cache = cache.extract(frame["image_path"].tolist(), frame["imageid"].tolist(), progress=False)
    assert from_cache.cached == 12 and cache.computed == 0
    in_process = FeatureCache(root=tmp_path / "other").extract(frame["image_path"].tolist(), None, progress=False,
                                                               use_cache=False)
    np.testing.assert_allclose(from_cache.features, in_process.features, rtol=0, atol=1e-5)


@pytest.mark.slow
def test_train_features_warmed_on_cluster_are_read_by_training(challenge_dir, cluster, capsys):
    """`eshoppye train --workers`: every training image is computed by the workers, none by training."""
    from eshoppye.batch import warm_training_features
    from eshoppye.data import load_dataset
    from eshoppye.image.features import feature_cache

    assert warm_training_features(challenge_dir, ["text-tfidf"], scheduler=cluster) is None  # no image model
    totals = warm_training_features(challenge_dir, ["image-effnet"], scheduler=cluster)
    assert totals["computed"] == 9 and totals["failed"] == 0
    cache = feature_cache()
    before = cache.computed
    result = cache.features_for(load_dataset(challenge_dir, "train").frame, progress=False)
    assert result.cached == 9 and cache.computed == before  # training reads them, computes nothing
