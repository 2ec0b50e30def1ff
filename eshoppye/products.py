"""Reading the products a person gives to classify: a CSV (path, bytes or file-like) into a
:class:`ProductTable` with every data row, in order, and the reason a row cannot be classified as it
is (wrong number of fields, unclosed quote, stray encoding, invalid id, missing image).

The delimiter (``,`` ``;`` or tab) and each line's encoding (UTF-8, else Windows-1252) are found,
not assumed; duplicate or reserved column names refuse the file with one French line. Image paths
are resolved per row (:func:`find_images`), a missing picture being a per-row problem too.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from eshoppye.errors import EshoppyeError

#: The columns read by the models when present (``designation`` is required, any other is carried).
INPUT_COLUMNS = ("designation", "description", "productid", "imageid", "image_path")
MAX_INPUT_BYTES = 200 * 1024 * 1024

#: Columns the prediction adds; an input column with one of these names (or ``prdtypecode_*``)
#: is kept under ``<name>_input`` so that nothing the user gave is overwritten.
OUTPUT_COLUMNS = ("prdtypecode", "category", "confidence", "decided_by", "incertain", "top3", "problème")
#: Internal columns of :class:`ProductTable` frames (an input column with these names is refused).
RESERVED_COLUMNS = ("_line", "_problem")
_ID_RE = re.compile(r"\s*\d{1,18}(?:\.0*)?\s*")
_DELIMITERS = (",", ";", "\t")


@dataclass
class ProductTable:
    """Every data row of the input, in order: original columns kept as str, ``_line`` (physical
    line of the row) and ``_problem`` (why the row cannot be classified or what was repaired;
    empty when fine). ``problems`` has one line per problem, for people."""

    frame: pd.DataFrame
    problems: list[str] = field(default_factory=list)


def _decode_lines(raw: bytes, name: str, problems: list[str]) -> tuple[str, dict[int, str]]:
    """Decode line by line: UTF-8, else Windows-1252 for that line only (reported), so that one
    stray Latin-1 byte never rewrites the good rows. Returns the text and {line: problem}."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), {}
    except UnicodeDecodeError:
        pass
    out, bad = [], {}
    for no, line in enumerate(raw.split(b"\n"), 1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                raise EshoppyeError(f"{name}: encodage illisible à la ligne {no} "
                                    "(ni UTF-8 ni Windows-1252)") from None
            bad[no] = "pas en UTF-8, ligne lue comme Windows-1252"
    if bad:
        first = min(bad)
        problems.append(f"{name}: {len(bad)} ligne(s) pas en UTF-8 (première: ligne {first}), "
                        "lue(s) comme Windows-1252; les autres lignes sont lues en UTF-8")
    return "\n".join(out), bad


def _parse_line(line: str, delim: str) -> list[str]:
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=delim), [])
    except csv.Error:
        return [line]


def _pick_delimiter(first_line: str, name: str) -> str:
    """The delimiter under which the header names a ``designation`` column."""
    for d in _DELIMITERS:
        if "designation" in [h.strip().lstrip("\ufeff") for h in _parse_line(first_line, d)]:
            return d
    return ","


def _header(fields: list[str], name: str) -> list[str]:
    header = [h.strip().lstrip("\ufeff") for h in fields]
    for k, h in enumerate(header):
        if h == "":
            header[k] = "index" if k == 0 else f"colonne_{k + 1}"
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise EshoppyeError(f"{name}: colonne(s) en double dans l'en-tête: {', '.join(dup)} "
                            "(chaque colonne doit avoir un nom unique)")
    reserved = [h for h in header if h in RESERVED_COLUMNS]
    if reserved:
        raise EshoppyeError(f"{name}: colonne(s) réservée(s) par eshoppye dans l'entrée: "
                            f"{', '.join(reserved)} (renommez-les)")
    if "designation" not in header:
        raise EshoppyeError(f"{name}: colonne 'designation' manquante (colonnes trouvées: "
                            f"{', '.join(h for h in header if h) or 'aucune'})")
    return header


def _rename_clashes(header: list[str], problems: list[str], name: str) -> list[str]:
    """Input columns named like a prediction column are kept as ``<name>_input``."""
    out = list(header)
    for k, h in enumerate(header):
        if h in OUTPUT_COLUMNS or h.startswith("prdtypecode_"):
            new, i = f"{h}_input", 2
            while new in out:
                new, i = f"{h}_input{i}", i + 1
            out[k] = new
            problems.append(f"{name}: colonne '{h}' de l'entrée gardée sous le nom '{new}' "
                            "(nom réservé aux prédictions)")
    return out


def _records(text: str, delim: str, ncols: int):
    """(first line, last line, fields, problem) for every data record. A record spanning several
    lines whose continuation lines are themselves rows (an unclosed quote) is read line by line
    instead, the first one reported."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    prev = 0
    while True:
        start = prev + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # unreachable with our field limit, kept as a per-row problem
            prev = reader.line_num
            yield start, prev, [], f"CSV mal formé ({exc})"
            continue
        end = reader.line_num
        prev = end
        if start == 1:
            if end > 1:
                raise EshoppyeError("en-tête CSV illisible: guillemet non fermé sur la ligne 1")
            continue  # header
        if end > start:
            cont = [ln for ln in lines[start:end] if ln.strip()]
            split = len(row) != ncols or (cont and all(len(_parse_line(ln, delim)) == ncols for ln in cont))
            if split:
                for no in range(start, end + 1):
                    line = lines[no - 1] if no - 1 < len(lines) else ""
                    if not line.strip():
                        continue
                    fields = _parse_line(line, delim)
                    why = "guillemet non fermé: ligne lue seule" if no == start else ""
                    yield no, no, fields, why
                continue
        if not row:
            continue  # blank line
        yield start, end, row, ""


def read_products(source, name: str = "entrée") -> ProductTable:
    """Read a products CSV (path, bytes or file-like): every data row comes out, in order.

    Needs a ``designation`` column; ``description``, ``productid``, ``imageid``, ``image_path``
    are optional, any other column is carried through. A leading unnamed index column (as in the
    challenge files) is kept as ``index``. The delimiter is the one (``,`` ``;`` or tab) under
    which the header names ``designation``. A row that cannot be read as it is (wrong number of
    fields, unclosed quote, invalid id) is kept with its reason in ``_problem``; duplicate or
    reserved column names refuse the file with one line.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise EshoppyeError(f"{path}: fichier introuvable")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise EshoppyeError(f"{path}: fichier trop gros ({path.stat().st_size / 1e6:.0f} Mo, "
                                f"maximum {MAX_INPUT_BYTES / 1e6:.0f} Mo)")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise EshoppyeError(f"{path}: lecture impossible ({exc.strerror or exc.__class__.__name__})") from None
    elif isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    else:
        raw = source.read()
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
    if len(raw) > MAX_INPUT_BYTES:
        raise EshoppyeError(f"{name}: fichier trop gros ({len(raw) / 1e6:.0f} Mo)")
    if b"\x00" in raw[:65536] or b"\x00" in raw:
        raise EshoppyeError(f"{name}: fichier binaire, pas un CSV")
    problems: list[str] = []
    text, bad_lines = _decode_lines(raw, name, problems)
    if not text.strip():
        raise EshoppyeError(f"{name}: fichier vide")
    first_line = text.split("\n", 1)[0]
    delim = _pick_delimiter(first_line, name)
    header = _header(_parse_line(first_line, delim), name)
    header = _rename_clashes(header, problems, name)
    csv.field_size_limit(max(MAX_INPUT_BYTES, 1 << 20))
    n = len(header)
    rows, lines, why = [], [], []
    for start, end, fields, problem in _records(text, delim, n):
        reasons = [problem] if problem else []
        if bad_lines and any(no in bad_lines for no in range(start, end + 1)):
            reasons.append("pas en UTF-8, lue comme Windows-1252")
        if len(fields) != n:
            reasons.append(f"{len(fields)} champs au lieu de {n}, produit non classé")
            fields = (fields + [""] * n)[:n]
        rows.append(fields)
        lines.append(start)
        why.append(reasons)
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)
    for col in ("imageid", "productid"):
        if col not in frame:
            continue
        for k, v in enumerate(frame[col].tolist()):
            v = "" if v is None else str(v)
            if v.strip() and not _ID_RE.fullmatch(v) and not any("non classé" in r for r in why[k]):
                why[k].append(f"{col} invalide {v[:40]!r} (entier attendu), ignoré pour trouver l'image")
    frame.insert(0, "_line", lines)
    frame["_problem"] = pd.Series(["; ".join(r) for r in why], dtype=object)
    if "description" not in frame:
        frame["description"] = ""
    for line, r in zip(lines, why):
        if r:
            problems.append(f"{name}, ligne {line}: {'; '.join(r)}")
    return ProductTable(frame.reset_index(drop=True), problems)


def unreadable(frame: pd.DataFrame) -> np.ndarray:
    """True for the rows that cannot be classified as read (wrong number of fields)."""
    if "_problem" not in frame:
        return np.zeros(len(frame), dtype=bool)
    return np.array(["produit non classé" in str(v) for v in frame["_problem"].fillna("")], dtype=bool)


def as_id(value) -> int | None:
    """A product or image id as an int (``"123"``, ``" 123.0 "``); None when it is not one."""
    v = "" if value is None else str(value)
    if not _ID_RE.fullmatch(v):
        return None
    return int(float(v))


def find_images(frame: pd.DataFrame, images_dir: Path | None, problems: list[str] | None = None,
                row_problems: list[list[str]] | None = None) -> pd.Series:
    """Image path per row: the ``image_path`` column, else the challenge file naming in
    ``images_dir`` (or its ``image_train`` / ``image_test`` / ``images/...`` sub-folders).
    A named image that does not exist is reported (``problems``, and per row in
    ``row_problems``) and left out (empty path)."""
    from eshoppye.data import image_name

    paths = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    if "image_path" in frame:
        given = frame["image_path"].fillna("").astype(str).str.strip()
        paths[:] = [str(Path(images_dir) / p) if p and images_dir and not Path(p).is_absolute()
                    and not Path(p).exists() else p for p in given]
    if images_dir is not None and {"imageid", "productid"} <= set(frame.columns):
        images_dir = Path(images_dir)
        folders = [images_dir] + [images_dir / s for s in ("image_train", "image_test",
                                                           "images/image_train", "images/image_test")]
        folders = [f for f in folders if f.is_dir()]
        for i in frame.index:
            if paths[i]:
                continue
            iid, pid = as_id(frame.at[i, "imageid"]), as_id(frame.at[i, "productid"])
            if iid is None or pid is None:
                continue
            fname = image_name(iid, pid)
            for folder in folders:
                if (folder / fname).is_file():
                    paths[i] = str(folder / fname)
                    break
    for k, i in enumerate(frame.index):
        p = paths[i]
        if p and not Path(p).is_file():
            msg = f"image introuvable {p}, produit classé sur le texte seul"
            if problems is not None:
                problems.append(f"ligne {frame.at[i, '_line'] if '_line' in frame else k + 2}: {msg}")
            if row_problems is not None:
                row_problems[k].append(msg)
            paths[i] = ""
    return paths
