"""Writing a classified table for people: every text cell a spreadsheet would run as a formula
escaped (:func:`escape_formulas`), and the output file written atomically (:func:`open_output`
checks the destination before any work, :func:`write_output` writes a temporary file beside it,
flushes it to disk and renames it), so a killed run never leaves a partial file. The partitioned
catalogue writes its parts and manifest through the same :func:`write_atomic`.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from eshoppye.errors import EshoppyeError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell a spreadsheet would run as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, tab or carriage return, numbers excepted) starts with ``'``."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype != object and not pd.api.types.is_string_dtype(out[col]):
            continue
        out[col] = [("'" + v) if isinstance(v, str) and v.startswith(_FORMULA_START)
                    and not _NUMBER_RE.fullmatch(v.strip()) else v for v in out[col].tolist()]
    return out


def open_output(output_csv: Path) -> tuple[Path, Path]:
    """Check that ``output_csv`` can be written, before any classification: returns (final
    path, temporary file beside it). The result is written to the temporary file and renamed
    over the final path (:func:`write_output`), so a killed run never leaves a partial file."""
    output_csv = Path(output_csv)
    if output_csv.is_dir():
        raise EshoppyeError(f"{output_csv}: c'est un dossier, indiquez un fichier de sortie (.csv)")
    if output_csv.exists() and not os.access(output_csv, os.W_OK):
        raise EshoppyeError(f"{output_csv}: fichier de sortie protégé en écriture")
    try:
        output_csv.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output_csv.name}.", suffix=".tmp", dir=output_csv.parent)
        os.close(fd)
    except OSError as exc:
        raise EshoppyeError(f"{output_csv}: impossible d'écrire ici "
                            f"({exc.strerror or exc.__class__.__name__})") from None
    return output_csv, Path(tmp)


def write_atomic(path: Path, write, tmp: Path | None = None) -> None:
    """``write(tmp)`` to a temporary file beside ``path`` (``tmp``, else ``.<name>.<pid>.tmp``),
    flush it to disk, then rename it over ``path``: a reader sees the old file or the whole new one."""
    tmp = Path(tmp) if tmp is not None else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        frame.to_csv(f, index=False)


def write_output(out: pd.DataFrame, final: Path, tmp: Path) -> None:
    """Write ``out`` (formulas escaped) to ``tmp``, flush it to disk and rename it to ``final``."""
    try:
        write_atomic(final, lambda path: _write_csv(escape_formulas(out), path), tmp)
    except OSError as exc:
        raise EshoppyeError(f"{final}: écriture impossible ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        tmp.unlink(missing_ok=True)
