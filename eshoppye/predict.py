"""Prediction: load saved models, classify products from a CSV or one at a time.

A product without an image is classified by the text models, an image without text by the image
model; every result says which models spoke. Every input row comes out, in order, with the
user's columns unchanged: a row that cannot be read or classified keeps its place with the reason
in the ``problème`` column (and one line for people). The output file is written atomically.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from eshoppye.categories import name_of
from eshoppye.errors import EshoppyeError
from eshoppye.models.ensemble import has_text, load_models, model_probas  # noqa: F401 (load_models is re-exported)

# Which model's answer becomes the decision, in order, among those that could speak for a row.
PREFERENCE = ("fusion-late", "text-tfidf", "text-embed", "fusion-concat", "text-bilstm", "image-effnet")
INPUT_COLUMNS = ("designation", "description", "productid", "imageid", "image_path")
MAX_INPUT_BYTES = 200 * 1024 * 1024


# -- reading products -----------------------------------------------------------------------------

#: Columns the prediction adds; an input column with one of these names (or ``prdtypecode_*``)
#: is kept under ``<name>_input`` so that nothing the user gave is overwritten.
OUTPUT_COLUMNS = ("prdtypecode", "category", "confidence", "decided_by", "incertain", "top3", "problème")
#: Internal columns of :class:`ProductTable` frames (an input column with these names is refused).
RESERVED_COLUMNS = ("_line", "_problem")
#: Default confidence below which a decision is flagged ``incertain``.
UNCERTAIN_BELOW = 0.5
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


def _as_id(value) -> int | None:
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
            iid, pid = _as_id(frame.at[i, "imageid"]), _as_id(frame.at[i, "productid"])
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


# -- classification --------------------------------------------------------------------------------

def decide(models: dict, probas: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Decision per row: the first model in :data:`PREFERENCE` that could speak. A row no text
    model could speak for (a photo alone) is decided by the image model first: a fusion model
    fed the photo alone only rescales it and adds the class biases it learned for text + photo
    (on the development set's photos: 0.41 weighted F1 against 0.46 for image-effnet alone)."""
    n = len(next(iter(probas.values())))
    codes = np.full(n, -1, dtype=np.int64)
    conf = np.full(n, np.nan)
    who = [""] * n
    order = [m for m in PREFERENCE if m in probas] + [m for m in probas if m not in PREFERENCE]
    text_rows = np.zeros(n, dtype=bool)
    for name, p in probas.items():
        if getattr(models[name], "kind", "") == "text":
            text_rows |= ~np.isnan(p).any(axis=1)
    image_first = [m for m in order if getattr(models[m], "kind", "") == "image"]
    for rows, names in ((text_rows, order), (~text_rows, image_first + [m for m in order if m not in image_first])):
        for name in names:
            p = probas[name]
            ok = rows & (codes < 0) & ~np.isnan(p).any(axis=1)
            if ok.any():
                codes[ok] = models[name].classes_[p[ok].argmax(axis=1)]
                conf[ok] = p[ok].max(axis=1)
                for i in np.flatnonzero(ok):
                    who[i] = name
    return codes, conf, who


def top_codes(models: dict, probas: dict[str, np.ndarray], who: list[str], k: int = 3) -> list[str]:
    """Per row, the ``k`` most probable codes of the deciding model with their probabilities,
    as ``"2583:0.81 2582:0.10 1302:0.03"`` (empty when nothing spoke)."""
    out = []
    for i, name in enumerate(who):
        if not name:
            out.append("")
            continue
        p = probas[name][i]
        order = np.argsort(-p)[:k]
        out.append(" ".join(f"{int(models[name].classes_[j])}:{p[j]:.2f}" for j in order))
    return out


def predict_frame(models: dict, frame: pd.DataFrame, keep: dict | None = None,
                  uncertain_below: float = UNCERTAIN_BELOW) -> pd.DataFrame:
    """The input rows plus ``prdtypecode``, ``category``, ``confidence``, ``decided_by``,
    ``incertain`` (confidence below ``uncertain_below``), ``top3`` and one
    ``prdtypecode_<model>`` column per model. ``keep`` (a dict) receives the probabilities."""
    out = frame.drop(columns=["_line", "_problem"], errors="ignore").copy()
    if not len(frame):
        for col in ("prdtypecode", "category", "confidence", "decided_by", "incertain", "top3"):
            out[col] = pd.Series([], dtype=object)
        return out
    probas, _ = model_probas(models, frame)
    if keep is not None:
        keep["probas"] = probas
    codes, conf, who = decide(models, probas)
    out["prdtypecode"] = pd.array(np.where(codes >= 0, codes, None), dtype="Int64")
    out["category"] = [name_of(c) if c >= 0 else "" for c in codes]
    out["confidence"] = np.round(conf, 4)
    out["decided_by"] = who
    out["incertain"] = pd.array([bool(c < uncertain_below) if k >= 0 else None for c, k in zip(conf, codes)],
                                dtype="boolean")
    out["top3"] = top_codes(models, probas, who)
    for name in sorted(probas):  # a stable column order, whatever order the models were loaded in
        p = probas[name]
        ok = ~np.isnan(p).any(axis=1)
        col = np.full(len(p), None, dtype=object)
        col[ok] = models[name].classes_[p[ok].argmax(axis=1)]
        out[f"prdtypecode_{name}"] = pd.array(col, dtype="Int64")
    return out


def _check_images(models: dict, frame: pd.DataFrame, row_problems: list[list[str]]) -> None:
    """Run the backbone once on the rows' pictures (features cached by content for the models)
    and turn every unreadable picture into a per-row problem; its path is then left out."""
    variants = sorted({m.params.get("variant", "lite0") for m in models.values()
                       if m.kind in ("image", "fusion") and "variant" in getattr(m, "params", {})})
    if not variants or not (frame["image_path"] != "").any():
        return
    from eshoppye.image import features_for

    for variant in variants:
        res = features_for(frame[["image_path"]], progress=False, variant=variant, persist_all=True)
        for k, err in enumerate(res.row_errors or []):
            if err and frame["image_path"].iat[k]:
                row_problems[k].append(f"image illisible ({err}), produit classé sur le texte seul")
                frame.iat[k, frame.columns.get_loc("image_path")] = ""


def predict_table(models: dict, table: ProductTable, images_dir: Path | None = None,
                  keep: dict | None = None, uncertain_below: float = UNCERTAIN_BELOW) -> pd.DataFrame:
    """Classify a :class:`ProductTable`: one output row per input row, in order, the user's
    columns unchanged, plus the prediction columns and ``problème`` (why a row is not classified,
    or what was noticed). ``keep`` (a dict) receives the probabilities and the image path used
    for every row."""
    frame = table.frame.copy()
    if "_problem" not in frame:
        frame["_problem"] = ""
    if "_line" not in frame:
        frame.insert(0, "_line", np.arange(2, len(frame) + 2))
    user_cols = [c for c in frame.columns if c not in RESERVED_COLUMNS]
    row_problems = [[p] if p else [] for p in frame["_problem"].fillna("")]
    work = frame.copy()
    for col in ("designation", "description"):
        work[col] = work[col].fillna("").astype(str) if col in work else ""
    for col in ("imageid", "productid"):
        if col in work:
            work[col] = ["" if _as_id(v) is None else str(_as_id(v)) for v in work[col].tolist()]
    new_rows: list[list[str]] = [[] for _ in range(len(frame))]
    work["image_path"] = find_images(work, images_dir, None, new_rows).to_numpy()
    skip = unreadable(frame)
    work.loc[skip, ["designation", "description", "image_path"]] = ""
    if len(work):
        _check_images(models, work, new_rows)
        empty = ~has_text(work) & (work["image_path"] == "").to_numpy() & ~skip
        for k in np.flatnonzero(empty):
            new_rows[k].append("ni titre, ni description, ni image lisible: produit non classé")
    if keep is not None:
        keep["image_path"] = work["image_path"].tolist()
    out = predict_frame(models, work, keep, uncertain_below)
    for col in user_cols:
        out[col] = frame[col].to_numpy()
    if "image_path" not in table.frame:
        out = out.drop(columns=["image_path"])
    for k, extra in enumerate(new_rows):
        for msg in extra:
            table.problems.append(f"ligne {frame['_line'].iat[k]}: {msg}")
        row_problems[k] += extra
    out["problème"] = ["; ".join(r) for r in row_problems]
    return out.reset_index(drop=True)


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


def write_output(out: pd.DataFrame, final: Path, tmp: Path) -> None:
    """Write ``out`` (formulas escaped) to ``tmp``, flush it to disk and rename it to ``final``."""
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            escape_formulas(out).to_csv(f, index=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    except OSError as exc:
        raise EshoppyeError(f"{final}: écriture impossible ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        tmp.unlink(missing_ok=True)


MAX_PRINTED_PROBLEMS = 50


def predict_file(models_dir: Path, input_csv: Path, output_csv: Path,
                 images_dir: Path | None = None, only: list[str] | None = None,
                 review_below: float | None = None, uncertain_below: float = UNCERTAIN_BELOW) -> pd.DataFrame:
    """``eshoppye predict``: check the output, read, classify, write atomically; problems are
    printed one per line (the first :data:`MAX_PRINTED_PROBLEMS`; all are in ``problème``).
    With ``review_below``, products whose confidence is under it go to the review queue."""
    final, tmp = open_output(output_csv)
    try:
        table = read_products(input_csv)
        models = load_models(models_dir, only=only)
        if only:
            models = {n: m for n, m in models.items() if n in only}
        keep: dict = {}
        out = predict_table(models, table, images_dir, keep, uncertain_below)
        write_output(out, final, tmp)
    finally:
        tmp.unlink(missing_ok=True)
    for p in table.problems[:MAX_PRINTED_PROBLEMS]:
        print(f"attention: {p}", file=sys.stderr)
    if len(table.problems) > MAX_PRINTED_PROBLEMS:
        print(f"attention: ... et {len(table.problems) - MAX_PRINTED_PROBLEMS} autre(s) problème(s), "
              "voir la colonne 'problème'", file=sys.stderr)
    done = int(out["prdtypecode"].notna().sum()) if len(out) else 0
    unsure = int(out["incertain"].fillna(False).astype(bool).sum()) if len(out) else 0
    print(f"{done} produit(s) classé(s) sur {len(out)} lu(s), {len(out) - done} non classé(s), "
          f"{unsure} incertain(s), {len(table.problems)} problème(s) signalé(s) -> {final}")
    if review_below is not None and len(out):  # after writing: an unreachable database loses nothing
        from eshoppye.review import store

        stored = store.enqueue(review_rows(models, out, keep, review_below))
        print(f"{stored} produit(s) de confiance inférieure à {review_below:g} ajouté(s) à la file de révision")
    return out


def review_rows(models: dict, out: pd.DataFrame, keep: dict, below: float) -> list[dict]:
    """The rows of ``out`` whose confidence is under ``below`` (or that nothing could decide),
    as the review queue stores them: product fields, image, each model's top 3, versions."""
    probas = keep.get("probas", {})
    images = keep.get("image_path", [""] * len(out))
    conf = pd.to_numeric(out["confidence"], errors="coerce").to_numpy()
    rows = []
    for i in np.flatnonzero(~(conf >= below)):
        top3 = {}
        for name, p in probas.items():
            if np.isnan(p[i]).any():
                continue
            order = np.argsort(-p[i])[:3]
            top3[name] = [(int(models[name].classes_[j]), float(p[i, j])) for j in order]
        code = out["prdtypecode"].iloc[i]
        rows.append({
            "designation": out["designation"].iloc[i], "description": out["description"].iloc[i],
            "productid": out["productid"].iloc[i] if "productid" in out else None,
            "imageid": out["imageid"].iloc[i] if "imageid" in out else None,
            "image_ref": images[i], "top3": top3, "decision": None if pd.isna(code) else int(code),
            "confidence": None if np.isnan(conf[i]) else float(conf[i]), "decided_by": out["decided_by"].iloc[i],
            "model_versions": {n: str(getattr(models[n], "version", "")) for n in top3},
        })
    return rows


# -- one product (the app's classifier page) ------------------------------------------------------

def warm_up(models: dict) -> float:
    """Run one made-up product (title + small image) through every model, so that the first
    real request does not pay for graph tracing and backbone loading. Returns the seconds."""
    from PIL import Image

    t = time.perf_counter()
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 120, 40)).save(buf, format="PNG")
    classify_product(models, "Produit de démonstration", "", buf.getvalue())
    return time.perf_counter() - t


@dataclass
class Classification:
    """Everything the app shows about one product."""

    code: int | None  # the decision (None: nothing could speak)
    confidence: float | None
    decided_by: str  # model whose answer is the decision
    inputs: dict[str, bool]  # {"text": bool, "image": bool}
    per_model: dict[str, list[tuple[int, float]]]  # top-5 (code, probability) per model that spoke
    silent: list[str]  # models that could not speak (missing input)
    fusion_inputs: str  # "all" / "text" / "image" / "" : which meta-model of fusion-late spoke
    fusion_shares: dict[str, float]  # share of each base model in fusion-late's decision
    words: list[tuple[str, float]]  # n-grams that pushed text-tfidf
    seconds: dict[str, float]  # time per model
    total_seconds: float


def classify_product(models: dict, designation: str = "", description: str = "",
                     image: bytes | str | Path | None = None, top: int = 5) -> Classification:
    """Classify one product typed by a person (image as bytes or a path, optional).

    Bad input raises :class:`EshoppyeError` with a one-line French message (unreadable or huge
    image); empty text with no image also does.
    """
    import tempfile

    from eshoppye.text import as_text, strip_html

    t0 = time.perf_counter()
    designation, description = as_text(designation), as_text(description)
    text_given = bool(strip_html(designation).strip() or strip_html(description).strip())
    tmp = None
    image_path = ""
    if image is not None and not (isinstance(image, (bytes, bytearray)) and not image):
        from eshoppye.image import load_image

        if isinstance(image, (bytes, bytearray)):
            load_image(bytes(image), name="image envoyée")  # validate before anything else
            tmp = tempfile.NamedTemporaryFile(suffix=".img", delete=False)
            tmp.write(bytes(image))
            tmp.close()
            image_path = tmp.name
        else:
            load_image(image)
            image_path = str(image)
    if not text_given and not image_path:
        raise EshoppyeError("indiquez au moins un titre, une description ou une image")
    frame = pd.DataFrame({"designation": [designation], "description": [description],
                          "imageid": [0], "image_path": [image_path]})
    try:
        probas, seconds = model_probas(models, frame)
    finally:
        if tmp is not None:
            Path(tmp.name).unlink(missing_ok=True)
    codes, conf, who = decide(models, probas)
    per_model, silent = {}, []
    for name, p in probas.items():
        if np.isnan(p[0]).any():
            silent.append(name)
            continue
        order = np.argsort(-p[0])[:top]
        per_model[name] = [(int(models[name].classes_[i]), float(p[0, i])) for i in order]
    fusion_inputs, shares = "", {}
    late = models.get("fusion-late")
    if late is not None and "fusion-late" in per_model:
        base = {b: probas[b] for b in late.params["bases"] if b in probas}
        _, used = late.fuse(base)
        fusion_inputs = used[0]
        shares = late.contributions(base)
    words = []
    if "text-tfidf" in per_model and hasattr(models["text-tfidf"], "explain"):
        words = models["text-tfidf"].explain(designation, description)
    return Classification(
        code=int(codes[0]) if codes[0] >= 0 else None,
        confidence=float(conf[0]) if codes[0] >= 0 else None,
        decided_by=who[0], inputs={"text": text_given, "image": bool(image_path)},
        per_model=per_model, silent=silent, fusion_inputs=fusion_inputs, fusion_shares=shares,
        words=words, seconds=seconds, total_seconds=time.perf_counter() - t0)
