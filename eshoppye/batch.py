"""Classifying a whole catalogue on Dask: CSV / Parquet files (or a glob of them) cut into
partitions, each partition read, classified (``eshoppye.predict``) and written by a worker, with a
manifest of row counts, ``--resume`` after an interruption, and the image features of a training
set computed on the same kind of cluster into the shared feature cache.

Small inputs (one file under :data:`SMALL_ROWS` rows, or written to a named ``.csv`` / ``.parquet``
file, with no cluster asked) stay in-process through :func:`eshoppye.predict.predict_table`. Otherwise the input is cut into partitions of
``partition_rows`` records (CSV byte ranges found by one scan of the file, Parquet row ranges),
turned into a ``dask.dataframe`` with ``from_map`` and classified with ``map_partitions``: a
partition is read by the worker itself, never shipped from here. Models are loaded once per worker
process (a cache keyed by the models directory and the hash of its manifest). Each partition is
written to ``part-NNNNN.<csv|parquet>`` next to ``part-NNNNN.json`` (its row counts, written after
the part, atomically), and ``manifest.json`` sums them up at the end; ``--resume`` keeps the parts
whose JSON and file agree. Dask is imported only inside the functions that use it.
"""

from __future__ import annotations

import glob
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

from eshoppye.errors import EshoppyeError

SMALL_ROWS = 20_000  # below this, one file and no cluster asked: the in-process path
PARTITION_ROWS = 20_000  # records per partition by default
MANIFEST = "manifest.json"
PARQUET_SUFFIXES = (".parquet", ".pq")


# -- input: files and partitions -------------------------------------------------------------------

@dataclass(frozen=True)
class PartSpec:
    """One partition of the input: a CSV byte range or a Parquet row range."""

    number: int
    source: str  # input file
    kind: str  # "csv" or "parquet"
    start: int  # CSV: first byte; Parquet: first row
    stop: int  # CSV: byte after the last; Parquet: row after the last
    rows: int  # records in the range
    first_line: int  # line (CSV) or row (Parquet, 1-based) of the first record in the file
    header_end: int = 0  # CSV: bytes of the header record
    header_lines: int = 1

    def label(self) -> str:
        what = "lignes" if self.kind == "csv" else "rangées"
        return f"partition {self.number} ({Path(self.source).name}, {what} {self.first_line}-" \
               f"{self.first_line + max(self.rows, 1) - 1})"

    def key(self) -> dict:
        """What must match for a written part to be reused by ``--resume``."""
        st = os.stat(self.source)
        return {**asdict(self), "source_size": st.st_size, "source_mtime_ns": st.st_mtime_ns}


def input_files(pattern: str | Path) -> list[Path]:
    """The CSV / Parquet files named by a path or a glob, sorted; a clear error when none."""
    text = str(pattern)
    if any(c in text for c in "*?["):
        files = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not files:
            raise EshoppyeError(f"{text}: aucun fichier ne correspond")
    else:
        path = Path(text)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and _kind(p, strict=False))
            if not files:
                raise EshoppyeError(f"{path}: dossier sans fichier CSV ni Parquet")
        elif not path.is_file():
            raise EshoppyeError(f"{path}: fichier introuvable")
        else:
            files = [path]
    for f in files:
        _kind(f)
    return files


def _kind(path: Path, strict: bool = True) -> str | None:
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if strict:
        raise EshoppyeError(f"{path}: format non reconnu (CSV ou Parquet attendu)")
    return None


def _scan_csv(path: Path, rows_per_part: int, number: int) -> list[PartSpec]:
    """Cut a CSV into byte ranges of ``rows_per_part`` records, in one pass over its lines.

    A record ends at a line break outside quotes (an even number of ``"`` so far): a quoted
    description spanning several lines stays whole. Blank lines are not counted.
    """
    specs: list[PartSpec] = []
    header_end = header_lines = 0
    pos = line_no = 0
    odd = False  # inside a quoted field
    start = first_line = rows = 0
    with open(path, "rb") as f:
        for line in f:
            pos += len(line)
            line_no += 1
            if line.count(b'"') % 2:
                odd = not odd
            if odd:
                continue
            if not header_end:
                header_end, header_lines = pos, line_no
                start, first_line = pos, line_no + 1
                continue
            if not line.strip():
                if rows == 0:
                    start, first_line = pos, line_no + 1
                continue
            rows += 1
            if rows == rows_per_part:
                specs.append(PartSpec(number + len(specs), str(path), "csv", start, pos, rows, first_line,
                                      header_end, header_lines))
                start, first_line, rows = pos, line_no + 1, 0
    if not header_end:
        raise EshoppyeError(f"{path}: fichier vide")
    if rows:
        specs.append(PartSpec(number + len(specs), str(path), "csv", start, pos, rows, first_line,
                              header_end, header_lines))
    return specs


def _scan_parquet(path: Path, rows_per_part: int, number: int) -> list[PartSpec]:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
        names = pq.read_schema(path).names
    except Exception as exc:  # noqa: BLE001 (pyarrow raises many kinds)
        raise EshoppyeError(f"{path}: Parquet illisible ({exc})") from None
    if "designation" not in names:
        raise EshoppyeError(f"{path}: colonne 'designation' manquante (colonnes trouvées: {', '.join(names)})")
    n = meta.num_rows
    return [PartSpec(number + k, str(path), "parquet", s, min(s + rows_per_part, n), min(s + rows_per_part, n) - s,
                     s + 1) for k, s in enumerate(range(0, n, rows_per_part))]


def plan_partitions(files: list[Path], rows_per_part: int = PARTITION_ROWS) -> list[PartSpec]:
    """Every partition of ``files``, numbered in input order."""
    if rows_per_part < 1:
        raise EshoppyeError("--partition-rows doit être au moins 1")
    specs: list[PartSpec] = []
    for f in files:
        scan = _scan_parquet if _kind(f) == "parquet" else _scan_csv
        specs += scan(f, rows_per_part, len(specs))
    return specs


def read_partition(spec: PartSpec):
    """The :class:`~eshoppye.predict.ProductTable` of one partition, line numbers as in the file."""
    from eshoppye.predict import ProductTable, read_products

    if spec.kind == "csv":
        with open(spec.source, "rb") as f:
            head = f.read(spec.header_end)
            f.seek(spec.start)
            body = f.read(spec.stop - spec.start)
        if head and not head.endswith(b"\n"):
            head += b"\n"
        table = read_products(head + body, name=spec.label())
        offset = spec.first_line - spec.header_lines - 1
        table.frame["_line"] = table.frame["_line"] + offset
        return table
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(spec.source)
    groups, seen, group_start = [], 0, 0
    for g in range(pf.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if seen < spec.stop and seen + n > spec.start:
            if not groups:
                group_start = seen
            groups.append(g)
        seen += n
    table = pf.read_row_groups(groups)
    frame = table.slice(spec.start - group_start, spec.rows).to_pandas()
    for col in ("designation", "description"):
        if col in frame:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    if "description" not in frame:
        frame["description"] = ""
    frame.insert(0, "_line", range(spec.first_line, spec.first_line + len(frame)))
    return ProductTable(frame.reset_index(drop=True), [])


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


def part_path(out_dir: Path, number: int, fmt: str) -> Path:
    return Path(out_dir) / f"part-{number:05d}.{fmt}"


def count_rows(path: Path, fmt: str) -> int:
    """Rows of a written part, read back from disk."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_metadata(path).num_rows
    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


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
            _write_atomic(target, lambda p: out.to_parquet(p, index=False))
        else:
            _write_atomic(target, lambda p: out.to_csv(p, index=False))
        summary["rows_out"] = count_rows(target, fmt)
        summary["problems"] = len(table.problems)
        if summary["rows_out"] != summary["rows_read"]:
            raise EshoppyeError(f"{summary['rows_out']} ligne(s) écrite(s) pour {summary['rows_read']} lue(s)")
        record = {**summary, "spec": spec.key(), "run": run, "problem_lines": table.problems[:1000]}
        target_json = target.with_suffix(".json")
        _write_atomic(target_json, lambda p: p.write_text(json.dumps(record, ensure_ascii=False, indent=1),
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


def done_parts(out_dir: Path, specs: list[PartSpec], fmt: str, run: dict) -> dict[int, dict]:
    """Partitions already written by an earlier run with the same input, models and format:
    their JSON exists, names the same range of the same file, and the part has its row count."""
    done = {}
    for spec in specs:
        target = part_path(out_dir, spec.number, fmt)
        try:
            record = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
            if (record.get("status") == "ok" and record.get("spec") == spec.key()
                    and record.get("run", {}).get("models") == run["models"]
                    and count_rows(target, fmt) == record["rows_out"]):
                done[spec.number] = record
        except (OSError, ValueError, KeyError, TypeError):
            continue
        except Exception:  # noqa: BLE001 (a torn Parquet part: redo it)
            continue
    return done


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


def _out_format(output: Path) -> str:
    """Parquet for a ``.parquet`` / ``.pq`` output, else CSV."""
    return "parquet" if output.suffix.lower() in PARQUET_SUFFIXES else "csv"


def parse_memory(value: str | None) -> int | None:
    """``"2GB"`` -> bytes (dask's notation); None stays None."""
    if value in (None, "", "auto"):
        return None
    from dask.utils import parse_bytes

    try:
        return int(parse_bytes(str(value)))
    except (ValueError, TypeError):
        raise EshoppyeError(f"mémoire par worker illisible: {value!r} (exemple: 2GB)") from None


class Cluster:
    """A dask client on a new :class:`~distributed.LocalCluster` (``workers`` processes, one thread
    each, ``memory_limit`` per worker) or on an existing scheduler; ``None`` for both: no cluster."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 memory_limit: str | None = "2GB"):
        self.workers, self.scheduler, self.memory_limit = workers, scheduler, memory_limit
        self.client = self.cluster = None
        self._log_level = 0

    def __enter__(self):
        if not self.workers and not self.scheduler:
            return self
        import logging

        from distributed import Client, LocalCluster

        # dask's own log lines (task errors, slow event loop, worker restarts, closing) are not for
        # the user: failures come back as named partitions and end in one French line
        self._log_level = logging.getLogger("distributed").level
        logging.getLogger("distributed").setLevel(logging.CRITICAL)

        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout="30s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise EshoppyeError(f"planificateur Dask injoignable: {self.scheduler} ({exc})") from None
        else:
            if self.workers < 1:
                raise EshoppyeError("--workers doit être au moins 1")
            limit = parse_memory(self.memory_limit)
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        memory_limit=limit if limit else "auto", dashboard_address=None,
                                        silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster)
        return self

    def memory_limits(self) -> dict[str, float]:
        """Memory limit of each worker in MB (0: none), by worker address."""
        if self.client is None:
            return {}
        try:
            info = self.client.scheduler_info(n_workers=-1)["workers"]
        except TypeError:  # older distributed: every worker is listed
            info = self.client.scheduler_info()["workers"]
        return {addr: (w.get("memory_limit") or 0) / 1e6 for addr, w in info.items()}

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        if self.client is not None or self.cluster is not None:
            import logging

            logging.getLogger("distributed").setLevel(self._log_level)
        return False


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
    fmt = _out_format(output)
    files = input_files(input_pattern)
    cluster_asked = bool(workers or scheduler)
    specs = None
    single_csv = len(files) == 1 and _kind(files[0]) == "csv"
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
    _write_manifest(output, specs, by_number, fmt, run, total, seconds)
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


def _write_manifest(output: Path, specs, by_number, fmt, run, total, seconds) -> None:
    parts = []
    for s in specs:
        r = by_number[s.number]
        parts.append({"part": part_path(output, s.number, fmt).name, "source": s.source,
                      "first_line": s.first_line, "rows_in": int(r["rows_in"] or 0),
                      "rows_read": int(r["rows_read"] or 0), "rows_out": int(r["rows_out"] or 0),
                      "status": r["status"], "error": r.get("error") or ""})
    manifest = {"format": fmt, "models": run["models"], "rows_in": total,
                "rows_out": sum(p["rows_out"] for p in parts if p["status"] != "failed"),
                "seconds": round(seconds, 2), "complete": all(p["status"] != "failed" for p in parts),
                "partitions": parts}
    _write_atomic(output / MANIFEST, lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                                            encoding="utf-8"))


def _predict_small(models_dir, specs, output: Path, fmt: str, images_dir, only, uncertain_below: float = 0.5):
    """A small Parquet input or Parquet output, in this process, written as one file."""
    from eshoppye.predict import ProductTable, predict_table

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


def read_output(output: Path | str) -> pd.DataFrame:
    """All parts of a partitioned output, in input order (tests, small checks)."""
    output = Path(output)
    manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    frames = []
    for p in manifest["partitions"]:
        path = output / p["part"]
        frames.append(pd.read_parquet(path) if manifest["format"] == "parquet"
                      else pd.read_csv(path, dtype=str, keep_default_na=False))
    return pd.concat(frames, ignore_index=True)


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
