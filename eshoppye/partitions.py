"""The partitions of a catalogue on disk, without Dask: the input files (CSV / Parquet, a folder
or a glob of them) cut into partitions (:class:`PartSpec`: CSV byte ranges found by one scan of
the file, Parquet row ranges), one partition read into a :class:`~eshoppye.products.ProductTable`
with line numbers as in the file, and the written side: ``part-NNNNN.<csv|parquet>`` files written
atomically next to their ``part-NNNNN.json`` record, the check that lets ``--resume`` keep a
part, and ``manifest.json`` summing them up. Running the partitions is :mod:`eshoppye.batch`.
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from eshoppye.errors import EshoppyeError
from eshoppye.output import write_atomic
from eshoppye.products import ProductTable, read_products

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
            files = sorted(p for p in path.iterdir() if p.is_file() and file_kind(p, strict=False))
            if not files:
                raise EshoppyeError(f"{path}: dossier sans fichier CSV ni Parquet")
        elif not path.is_file():
            raise EshoppyeError(f"{path}: fichier introuvable")
        else:
            files = [path]
    for f in files:
        file_kind(f)
    return files


def file_kind(path: Path, strict: bool = True) -> str | None:
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
        scan = _scan_parquet if file_kind(f) == "parquet" else _scan_csv
        specs += scan(f, rows_per_part, len(specs))
    return specs

def read_partition(spec: PartSpec):
    """The :class:`~eshoppye.products.ProductTable` of one partition, line numbers as in the file."""
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


# -- output: parts, their records, the manifest ------------------------------------------------------

def output_format(output: Path) -> str:
    """Parquet for a ``.parquet`` / ``.pq`` output, else CSV."""
    return "parquet" if output.suffix.lower() in PARQUET_SUFFIXES else "csv"


def part_path(out_dir: Path, number: int, fmt: str) -> Path:
    """``part-NNNNN.<fmt>`` in ``out_dir``."""
    return Path(out_dir) / f"part-{number:05d}.{fmt}"


def count_rows(path: Path, fmt: str) -> int:
    """Rows of a written part, read back from disk."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_metadata(path).num_rows
    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


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


def write_manifest(output: Path, specs, by_number, fmt, run, total, seconds) -> None:
    """``manifest.json``: every partition's file, source range, row counts and status (``by_number``:
    the summary of each partition), and whether the whole run is complete."""
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
    write_atomic(output / MANIFEST, lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                                            encoding="utf-8"))


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
