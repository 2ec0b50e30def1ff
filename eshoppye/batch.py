"""Classifying a whole catalogue on Dask: each partition of the input read, classified
(``eshoppye.predict``) and written by a worker, the run summed up in a manifest and resumable
with ``--resume``; and the image features of a training set computed on the same kind of
cluster into the shared feature cache.

Small inputs (one file under :data:`SMALL_ROWS` rows, or written to a named ``.csv`` /
``.parquet`` file, with no cluster asked) stay in-process through
:func:`eshoppye.predict.predict_table`. Otherwise the partitions (:mod:`eshoppye.partitions`: how
the files are cut, read and written) become a ``dask.dataframe`` with ``from_map`` and are
classified with ``map_partitions`` on a :class:`~eshoppye.cluster.Cluster`: a partition is read
by the worker itself, never shipped from here. Models are loaded once per worker process (a cache
keyed by the models directory and the hash of its manifest). Each partition's summary (rows in,
read and written, problems, worker memory) is written next to its part, and ``manifest.json``
sums them up at the end. Dask is imported only inside the functions that use it.
"""
from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from eshoppye.cluster import Cluster
from eshoppye.errors import EshoppyeError
from eshoppye.output import write_atomic
from eshoppye.partitions import (MANIFEST, PARTITION_ROWS, PartSpec, count_rows, done_parts, file_kind, input_files,
                                 output_format, part_path, plan_partitions, read_partition, write_manifest)

SMALL_ROWS = 20_000  # below this, one file and no cluster asked: the in-process path


# -- models, once per worker process ---------------------------------------------------------------

_MODELS: dict[tuple, dict] = {}
_MODELS_LOCK = threading.Lock()


def models_key(models_dir: Path | str, only: list[str] | None = None) -> tuple:
    """(directory, hash of its manifest or of its model.json files, models asked)."""
    models_dir = Path(models_dir).resolve()
    h = hashlib.sha256()
    manifest = models_dir / "manifest.json"
    files = [manifest] if manifest.is_file() else sorted(models_dir.glob("*/model.json"))
    for f in files:
        h.update(f.read_bytes())
    return (str(models_dir), h.hexdigest(), tuple(sorted(only or ())))


def worker_models(models_dir: Path | str, only: list[str] | None = None) -> dict:
    """The models of ``models_dir`` loaded in this process, loaded on first use only."""
    key = models_key(models_dir, only)
    with _MODELS_LOCK:
        if key not in _MODELS:
            from eshoppye.predict import load_models

            models = load_models(models_dir, only=only)
            if only:
                models = {n: m for n, m in models.items() if n in only}
            _MODELS.clear()  # another models directory: keep only one set in memory
            _MODELS[key] = models
        return _MODELS[key]


# -- one partition ---------------------------------------------------------------------------------

SUMMARY_COLUMNS = {"number": "int64", "status": "object", "rows_in": "int64", "rows_read": "int64",
                   "rows_out": "int64", "problems": "int64", "unclassified": "int64", "error": "object", "worker": "object",
                   "peak_rss_mb": "float64", "seconds": "float64"}


def _summary_meta() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in SUMMARY_COLUMNS.items()})


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _worker_name() -> str:
    """The dask worker's address, or ``local:<pid>`` outside a worker."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"local:{os.getpid()}"


def classify_partition(spec: PartSpec, models_dir: str, only: list[str] | None, images_dir: str | None,
                       out_dir: str, fmt: str, run: dict) -> dict:
    """Read, classify and write one partition; a summary dict, never an exception (the error is
    named in the summary, so one bad partition does not hide the others)."""
    from eshoppye.predict import predict_table

    t = time.perf_counter()
    summary = {"number": spec.number, "status": "ok", "rows_in": spec.rows, "rows_read": 0, "rows_out": 0,
               "problems": 0, "unclassified": 0, "error": "", "worker": _worker_name()}
    try:
        table = read_partition(spec)
        summary["rows_read"] = len(table.frame)
        models = worker_models(models_dir, only)
        out = predict_table(models, table, Path(images_dir) if images_dir else None,
                            uncertain_below=run.get("uncertain_below", 0.5))
        summary["unclassified"] = int(out["prdtypecode"].isna().sum()) if len(out) else 0
        target = part_path(Path(out_dir), spec.number, fmt)
        if fmt == "parquet":
            write_atomic(target, lambda p: out.to_parquet(p, index=False))
        else:
            write_atomic(target, lambda p: out.to_csv(p, index=False))
        summary["rows_out"] = count_rows(target, fmt)
        summary["problems"] = len(table.problems)
        if summary["rows_out"] != summary["rows_read"]:
            raise EshoppyeError(f"{summary['rows_out']} ligne(s) écrite(s) pour {summary['rows_read']} lue(s)")
        record = {**summary, "spec": spec.key(), "run": run, "problem_lines": table.problems[:1000]}
        target_json = target.with_suffix(".json")
        write_atomic(target_json, lambda p: p.write_text(json.dumps(record, ensure_ascii=False, indent=1),
                                                          encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 (reported by name to the driver)
        summary["status"] = "failed"
        summary["error"] = str(exc) if isinstance(exc, EshoppyeError) else f"{type(exc).__name__}: {exc}"
    summary["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    summary["seconds"] = round(time.perf_counter() - t, 3)
    return summary


def _classify_frame_partition(table_or_spec, models_dir, only, images_dir, out_dir, fmt, run):
    """``map_partitions`` body: the partition is a one-row frame holding its spec (as JSON, a
    plain string whatever dask's string conversion does)."""
    spec = PartSpec(**json.loads(str(table_or_spec["spec"].iloc[0])))
    return pd.DataFrame([classify_partition(spec, models_dir, only, images_dir, out_dir, fmt, run)]).astype(
        SUMMARY_COLUMNS)


def _spec_frame(spec: PartSpec) -> pd.DataFrame:
    return pd.DataFrame({"spec": [json.dumps(asdict(spec))]})


# -- the whole catalogue ---------------------------------------------------------------------------

@dataclass
class BatchResult:
    output: Path
    partitions: int
    skipped: int
    rows: int
    seconds: float
    workers: dict  # worker -> {"peak_rss_mb", "memory_limit_mb", "partitions"}
    start_seconds: float = 0.0  # cluster start (or connection), before the first partition
    partition_seconds: float = 0.0  # sum over the partitions done of their read + classify + write time
    unclassified: int = 0  # rows written without a category (their 'problème' says why)


def _progress(total: int, show: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="partitions", unit="part", disable=not show, file=sys.stderr)


def run_partitions(specs: list[PartSpec], cluster: Cluster, args: tuple, progress: bool = True) -> list[dict]:
    """Classify ``specs`` with ``map_partitions`` on the cluster (or in this process)."""
    import dask
    import dask.dataframe as dd

    if not specs:
        return []
    ddf = dd.from_map(_spec_frame, specs, meta=pd.DataFrame({"spec": pd.Series(dtype=str)}),
                      enforce_metadata=False)
    summaries = ddf.map_partitions(_classify_frame_partition, *args, meta=_summary_meta(),
                                   enforce_metadata=False, align_dataframes=False)
    parts = summaries.to_delayed(optimize_graph=True)
    results = []
    with _progress(len(parts), progress) as bar:
        if cluster.client is None:
            for part in parts:
                results.append(dask.compute(part, scheduler="sync")[0])
                bar.update(1)
        else:
            from distributed import as_completed

            futures = cluster.client.compute(parts)
            spec_of = {fut.key: spec for fut, spec in zip(futures, specs)}
            for fut in as_completed(futures):
                try:
                    results.append(fut.result())
                except Exception as exc:  # noqa: BLE001 (a worker lost, e.g. over its memory limit)
                    spec = spec_of[fut.key]
                    results.append(pd.DataFrame([{
                        **{c: 0 for c in SUMMARY_COLUMNS}, "number": spec.number, "status": "failed",
                        "rows_in": spec.rows, "worker": "", "error": f"worker perdu ({type(exc).__name__}: {exc}; "
                        "mémoire dépassée ? essayez --partition-rows plus petit ou --memory-limit plus grand)"}]))
                bar.update(1)
    return [row for frame in results for row in frame.to_dict("records")]


def predict_catalogue(models_dir: Path | str, input_pattern: str | Path, output: Path | str,
                      images_dir: Path | str | None = None, only: list[str] | None = None,
                      workers: int | None = None, scheduler: str | None = None, resume: bool = False,
                      partition_rows: int | None = None, memory_limit: str | None = "2GB",
                      progress: bool = True, review_below: float | None = None,
                      uncertain_below: float = 0.5):
    """``eshoppye predict``: in-process for a small file, else partitioned on Dask (see module doc).

    Returns the output frame (in-process path) or a :class:`BatchResult`.
    """
    from eshoppye.predict import predict_file

    output = Path(output)
    fmt = output_format(output)
    files = input_files(input_pattern)
    cluster_asked = bool(workers or scheduler)
    specs = None
    single_csv = len(files) == 1 and file_kind(files[0]) == "csv"
    if review_below is not None and not (single_csv and fmt == "csv"):
        raise EshoppyeError("--review-below ne s'applique qu'à un petit CSV écrit en CSV "
                            "(pas encore à un Parquet ni à un catalogue partitionné)")
    if not cluster_asked and not resume and partition_rows is None and len(files) == 1:
        specs = plan_partitions(files, PARTITION_ROWS)
        # a named output file (out.csv, out.parquet) with no cluster asked is one file, whatever the size
        named_file = output.suffix.lower() in (".csv", ".parquet", ".pq") and not output.is_dir()
        if sum(s.rows for s in specs) < SMALL_ROWS or named_file:
            if single_csv and fmt == "csv":
                return predict_file(models_dir, files[0], output, images_dir, only, review_below=review_below,
                                    uncertain_below=uncertain_below)
            return _predict_small(models_dir, specs, output, fmt, images_dir, only, uncertain_below)
    if review_below is not None:
        raise EshoppyeError("--review-below ne s'applique qu'à un petit CSV classé dans ce processus "
                            "(pas encore à un catalogue partitionné)")
    if output.exists() and not output.is_dir():
        raise EshoppyeError(f"{output}: existe déjà et n'est pas un dossier (la sortie d'un catalogue "
                            "partitionné est un dossier de parts)")
    rows_per_part = partition_rows or PARTITION_ROWS
    if specs is None or rows_per_part != PARTITION_ROWS:
        specs = plan_partitions(files, rows_per_part)
    total = sum(s.rows for s in specs)
    output.mkdir(parents=True, exist_ok=True)
    mkey = models_key(models_dir, only)
    run = {"models": list(mkey[1:2]) + list(mkey[2]), "format": fmt, "uncertain_below": uncertain_below}
    done = done_parts(output, specs, fmt, run) if resume else {}
    for old in output.glob(".part-*.tmp"):  # left by a killed run; never read
        old.unlink(missing_ok=True)
    if not resume:
        for old in list(output.glob("part-*")) + [output / MANIFEST]:
            old.unlink(missing_ok=True)
    todo = [s for s in specs if s.number not in done]
    if done:
        print(f"reprise: {len(done)} partition(s) déjà écrite(s) et vérifiée(s), {len(todo)} à faire")
    where = (f"planificateur {scheduler}" if scheduler else
             f"{workers} worker(s) locaux" if workers else "ce processus")
    print(f"{total} produit(s) en {len(specs)} partition(s) de {rows_per_part} au plus, sur {where}",
          file=sys.stderr)
    t = time.perf_counter()
    with Cluster(workers, scheduler, memory_limit) as cluster:
        start_seconds = time.perf_counter() - t
        limits = cluster.memory_limits()
        args = (str(Path(models_dir).resolve()), list(only) if only else None,
                str(Path(images_dir).resolve()) if images_dir else None, str(output.resolve()), fmt, run)
        if cluster.client is None:
            worker_models(models_dir, only)  # fail early and clearly on a bad models directory
        summaries = run_partitions(todo, cluster, args, progress)
    seconds = time.perf_counter() - t
    by_number = {s["number"]: s for s in summaries}
    for number, record in done.items():
        by_number[number] = {k: record.get(k) for k in SUMMARY_COLUMNS} | {"status": "skipped"}
    failed = [by_number[s.number] for s in specs if by_number[s.number]["status"] == "failed"]
    ok_rows = [by_number[s.number] for s in specs]
    write_manifest(output, specs, by_number, fmt, run, total, seconds)
    if failed:
        lines = [f"{specs[f['number']].label()}: {f['error']}" for f in failed]
        raise EshoppyeError(f"{len(failed)} partition(s) en échec (relancez avec --resume une fois corrigé) - "
                            + " ; ".join(lines))
    read = sum(int(r["rows_read"]) for r in ok_rows)
    written = sum(int(r["rows_out"]) for r in ok_rows)
    if written != read:
        raise EshoppyeError(f"{output}: {written} ligne(s) écrite(s) pour {read} lue(s)")
    workers_seen: dict[str, dict] = {}
    for r in summaries:
        w = workers_seen.setdefault(r["worker"], {"peak_rss_mb": 0.0, "partitions": 0,
                                                  "memory_limit_mb": limits.get(r["worker"], 0.0)})
        w["peak_rss_mb"] = max(w["peak_rss_mb"], float(r["peak_rss_mb"]))
        w["partitions"] += 1
    problems = sum(int(r["problems"] or 0) for r in ok_rows)
    print(f"{written} produit(s) écrit(s) sur {read} lu(s) ({total} enregistrement(s) en entrée, "
          f"{problems} problème(s) signalé(s) dans les part-*.json), {len(specs)} partition(s) "
          f"dont {len(done)} reprise(s), {seconds:.1f} s -> {output}")
    for name, w in sorted(workers_seen.items()):
        limit = f"{w['memory_limit_mb']:.0f} Mo" if w["memory_limit_mb"] else "aucune"
        print(f"  worker {name}: {w['partitions']} partition(s), mémoire max {w['peak_rss_mb']:.0f} Mo "
              f"(limite {limit})")
    return BatchResult(output, len(specs), len(done), written, seconds, workers_seen, start_seconds,
                       sum(float(r["seconds"]) for r in summaries),
                       sum(int(r.get("unclassified") or 0) for r in ok_rows))


def _predict_small(models_dir, specs, output: Path, fmt: str, images_dir, only, uncertain_below: float = 0.5):
    """A small Parquet input or Parquet output, in this process, written as one file."""
    from eshoppye.predict import predict_table
    from eshoppye.products import ProductTable

    tables = [read_partition(s) for s in specs]
    table = ProductTable(pd.concat([t.frame for t in tables], ignore_index=True),
                         [p for t in tables for p in t.problems])
    out = predict_table(worker_models(models_dir, only), table, Path(images_dir) if images_dir else None,
                        uncertain_below=uncertain_below)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        out.to_parquet(output, index=False)
    else:
        out.to_csv(output, index=False)
    for p in table.problems:
        print(f"attention: {p}", file=sys.stderr)
    done = int(out["prdtypecode"].notna().sum()) if len(out) else 0
    print(f"{done} produit(s) classé(s) sur {len(out)} lu(s), {len(table.problems)} problème(s) signalé(s) "
          f"-> {output}")
    return out


# -- image features of a training set --------------------------------------------------------------

def _features_chunk(paths: list, ids: list, variant: str, cache_root: str) -> tuple[int, int, int]:
    """Compute (or find) the features of one chunk into the shared cache; (computed, cached, failed)."""
    from eshoppye.image.features import FeatureCache

    result = FeatureCache(variant, root=cache_root).extract(paths, ids, progress=False)
    return result.computed, result.cached, result.failed


def warm_image_features(frame: pd.DataFrame, workers: int | None = None, scheduler: str | None = None,
                        memory_limit: str | None = "2GB", chunk: int = 256, variant: str = "lite0",
                        progress: bool = True) -> dict:
    """Backbone features of every image of ``frame`` computed on the cluster into the feature cache
    (``cache_dir()``, which the workers must share), so that training then reads them from it."""
    from eshoppye.config import cache_dir
    from eshoppye.image.features import FeatureCache, feature_cache

    paths = [p if isinstance(p, str) and p else None for p in frame["image_path"].tolist()]
    ids = frame["imageid"].tolist() if "imageid" in frame else [None] * len(paths)
    root = str(FeatureCache(variant).root)
    chunks = [(paths[i: i + chunk], ids[i: i + chunk]) for i in range(0, len(paths), chunk)]
    totals = {"computed": 0, "cached": 0, "failed": 0, "chunks": len(chunks)}
    t = time.perf_counter()
    with Cluster(workers, scheduler, memory_limit) as cluster:
        with _progress(len(chunks), progress) as bar:
            bar.set_description("features image")
            if cluster.client is None:
                results = []
                for p, i in chunks:
                    results.append(_features_chunk(p, i, variant, root))
                    bar.update(1)
            else:
                from distributed import as_completed

                futures = [cluster.client.submit(_features_chunk, p, i, variant, root, pure=False)
                           for p, i in chunks]
                results = []
                for fut in as_completed(futures):
                    results.append(fut.result())
                    bar.update(1)
    for c, h, f in results:
        totals["computed"] += c
        totals["cached"] += h
        totals["failed"] += f
    feature_cache(variant)._index = None  # re-read the shards written by the workers
    totals["seconds"] = round(time.perf_counter() - t, 2)
    print(f"features image: {totals['computed']} calculée(s), {totals['cached']} déjà en cache, "
          f"{totals['failed']} sans image, {totals['seconds']:.1f} s -> {cache_dir()}")
    return totals


def warm_training_features(data_dir: Path, names: list[str], strict: bool = False, limit: int | None = None,
                           workers: int | None = None, scheduler: str | None = None,
                           memory_limit: str | None = "2GB") -> dict | None:
    """``eshoppye train --workers N``: when ``names`` has a model reading pictures, compute the
    features of the training catalogue (the same rows train reads) on the cluster first."""
    from eshoppye.data import load_dataset, subset

    if not any(n.startswith(("image-", "fusion-")) for n in names):
        print("aucun modèle image demandé: --workers sans effet pour l'entraînement")
        return None
    dataset = subset(load_dataset(data_dir, "train", strict=strict), limit)
    return warm_image_features(dataset.frame, workers=workers, scheduler=scheduler, memory_limit=memory_limit)
