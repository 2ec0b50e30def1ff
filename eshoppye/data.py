"""Read the Rakuten France challenge files exactly as distributed, validate them, split them.

Layout of a data directory (see README)::

    X_train_update.csv        ,designation,description,productid,imageid  (unnamed index)
    Y_train_CVw08PX.csv       ,prdtypecode                                 (same index)
    X_test_update.csv         optional, no labels
    images/image_train/image_{imageid}_product_{productid}.jpg
    images/image_test/...

Every problem is reported as one line naming the file and the row. Missing images are counted
and reported, and are fatal only with ``strict=True``.
"""

from __future__ import annotations

import hashlib
import io
import os
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from eshoppye.categories import CODES
from eshoppye.config import SEED
from eshoppye.errors import EshoppyeError

X_TRAIN = "X_train_update.csv"
Y_TRAIN = "Y_train_CVw08PX.csv"
X_TEST = "X_test_update.csv"
X_COLUMNS = ("designation", "description", "productid", "imageid")
Y_COLUMN = "prdtypecode"
IMAGE_DIRS = {"train": "images/image_train", "test": "images/image_test"}
SPLIT_SHARES = {"train": 0.72, "val": 0.13, "test": 0.15}


def image_name(imageid: int, productid: int) -> str:
    """File name of a product's image in the challenge layout."""
    return f"image_{int(imageid)}_product_{int(productid)}.jpg"


@dataclass
class Dataset:
    """A validated table of products plus what the reader noticed."""

    frame: pd.DataFrame  # designation, description, productid, imageid, image_path[, prdtypecode]
    data_dir: Path
    part: str  # "train" or "test"
    fingerprint: str
    warnings: list[str] = field(default_factory=list)
    missing_images: int = 0

    @property
    def labels(self) -> np.ndarray:
        return self.frame[Y_COLUMN].to_numpy(dtype=np.int64)

    def __len__(self) -> int:
        return len(self.frame)


# -- low-level reading ---------------------------------------------------------------------------

def _bad_lines(raw: bytes, limit: int = 1000) -> list[int]:
    """Line numbers (1-based) holding undecodable UTF-8 bytes, at most ``limit`` of them."""
    lines, pos = set(), 0
    while pos < len(raw) and len(lines) < limit:
        try:
            raw[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            lines.add(raw[: pos + exc.start].count(b"\n") + 1)
            pos += exc.end
    return sorted(lines)


def _decode(path: Path, raw: bytes, strict: bool, warnings: list[str]) -> str:
    """Decode UTF-8 (with or without BOM); undecodable bytes are reported with their line.

    Without ``strict`` the rows are kept, the bad bytes replaced by U+FFFD, and a warning
    names the lines; with ``strict`` the first one is fatal.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = (f"{path.name}, ligne {line}: octets non décodables en UTF-8 "
               f"(0x{raw[exc.start]:02x} à l'octet {exc.start})")
        if strict:
            raise EshoppyeError(msg) from None
        warnings.append(f"{msg}; {len(_bad_lines(raw))} ligne(s) concernée(s), "
                        "caractères remplacés par \ufffd")
        return raw.decode("utf-8-sig", errors="replace")


def read_csv(path: Path, strict: bool = False, warnings: list[str] | None = None) -> pd.DataFrame:
    """Read one challenge CSV (first column = unnamed integer index) with clear errors."""
    warnings = warnings if warnings is not None else []
    path = Path(path)
    if not path.is_file():
        raise EshoppyeError(f"{path}: fichier introuvable")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EshoppyeError(f"{path}: lecture impossible ({exc.strerror})") from None
    if not raw.strip():
        raise EshoppyeError(f"{path}: fichier vide")
    text = _decode(path, raw, strict, warnings)
    try:
        df = pd.read_csv(io.StringIO(text), index_col=0, dtype=str, keep_default_na=False,
                         na_values=[""], engine="c")
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split())
        raise EshoppyeError(f"{path.name}: CSV mal formé ({detail})") from None
    except (ValueError, pd.errors.EmptyDataError) as exc:
        raise EshoppyeError(f"{path.name}: CSV illisible ({' '.join(str(exc).split())})") from None
    # index: integers, unique
    idx = pd.to_numeric(pd.Series(df.index, dtype=str), errors="coerce")
    if idx.isna().any():
        row = int(np.flatnonzero(idx.isna().to_numpy())[0])
        raise EshoppyeError(f"{path.name}, ligne {row + 2}: index non entier {df.index[row]!r}")
    df.index = idx.astype(np.int64).to_numpy()
    df.index.name = None
    dup = df.index.duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        raise EshoppyeError(f"{path.name}, ligne {row + 2}: index {df.index[row]} en double")
    return df


def _require_columns(path: Path, df: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise EshoppyeError(f"{path.name}: colonne(s) manquante(s): {', '.join(missing)}"
                            f" (trouvé: {', '.join(map(str, df.columns)) or 'aucune'})")


_INT_RE = r"\s*[+-]?\d{1,18}(?:\.0*)?\s*"


def _int_column(path: Path, df: pd.DataFrame, col: str) -> pd.Series:
    """An integer column; "1e30", "3.5" or 19-digit values are refused (never cast silently)."""
    text = df[col].fillna("").astype(str)
    ok = text.str.fullmatch(_INT_RE).to_numpy()
    values = pd.to_numeric(text.where(ok, None), errors="coerce")
    bad = values.isna().to_numpy() | ~ok
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise EshoppyeError(f"{path.name}, ligne {i + 2} (index {df.index[i]}): {col} "
                            f"invalide {df[col].iloc[i]!r}, entier attendu")
    return text.str.strip().map(lambda v: int(float(v)) if "." in v else int(v)).astype(np.int64)


def fingerprint_files(paths: list[Path]) -> str:
    """Short sha256 over the bytes of the given files (data identity for every metric)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).name.encode())
        with open(p, "rb") as f:
            while block := f.read(1 << 22):
                h.update(block)
    return h.hexdigest()[:16]


def _attach_images(df: pd.DataFrame, data_dir: Path, part: str, strict: bool,
                   warnings: list[str]) -> int:
    img_dir = data_dir / IMAGE_DIRS[part]
    names = [image_name(i, p) for i, p in zip(df["imageid"], df["productid"])]
    try:
        present = set(os.listdir(img_dir))
    except OSError:
        present = set()
    exists = np.fromiter((n in present for n in names), dtype=bool, count=len(names))
    df["image_path"] = [str(img_dir / n) if ok else "" for n, ok in zip(names, exists)]
    missing = int((~exists).sum())
    if missing:
        first = names[int(np.flatnonzero(~exists)[0])]
        where = f"{img_dir}" if present else f"{img_dir} (dossier absent ou vide)"
        msg = f"{missing} image(s) manquante(s) sur {len(df)} dans {where}, par exemple {first}"
        if strict:
            raise EshoppyeError(msg)
        warnings.append(msg + "; ces produits seront classés sur le texte seul")
    return missing


def load_dataset(data_dir: Path | str, part: str = "train", strict: bool = False) -> Dataset:
    """Read and validate ``X_{part}`` (+ ``Y_train`` for the training part) and locate images."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise EshoppyeError(f"{data_dir}: dossier de données introuvable")
    warnings: list[str] = []
    x_path = data_dir / (X_TRAIN if part == "train" else X_TEST)
    X = read_csv(x_path, strict, warnings)
    _require_columns(x_path, X, X_COLUMNS)
    X = X[list(X_COLUMNS)].copy()
    if not len(X):
        raise EshoppyeError(f"{x_path.name}: aucun produit (en-tête seul)")
    X["productid"] = _int_column(x_path, X, "productid")
    X["imageid"] = _int_column(x_path, X, "imageid")
    for col in ("productid", "imageid"):
        dup = X[col].duplicated().to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise EshoppyeError(f"{x_path.name}, ligne {i + 2} (index {X.index[i]}): "
                                f"{col} {X[col].iloc[i]} en double")
    no_title = X["designation"].isna().to_numpy()
    if no_title.any():
        i = int(np.flatnonzero(no_title)[0])
        warnings.append(f"{x_path.name}: {int(no_title.sum())} produit(s) sans designation, "
                        f"par exemple ligne {i + 2} (index {X.index[i]})")
    X["designation"] = X["designation"].fillna("")
    X["description"] = X["description"].fillna("")
    files = [x_path]
    if part == "train":
        y_path = data_dir / Y_TRAIN
        Y = read_csv(y_path, strict, warnings)
        _require_columns(y_path, Y, (Y_COLUMN,))
        if len(Y) != len(X) or not np.array_equal(Y.index.to_numpy(), X.index.to_numpy()):
            only_x = X.index.difference(Y.index)
            only_y = Y.index.difference(X.index)
            detail = (f"index {only_x[0]} absent de {y_path.name}" if len(only_x) else
                      f"index {only_y[0]} absent de {x_path.name}" if len(only_y) else
                      "même index mais dans un autre ordre")
            raise EshoppyeError(f"{y_path.name}: étiquettes non alignées avec {x_path.name} "
                                f"({len(Y)} étiquettes pour {len(X)} produits; {detail})")
        codes = _int_column(y_path, Y, Y_COLUMN)
        unknown = ~codes.isin(CODES).to_numpy()
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise EshoppyeError(f"{y_path.name}, ligne {i + 2} (index {Y.index[i]}): code "
                                f"prdtypecode inconnu {codes.iloc[i]} ({int(unknown.sum())} au total)")
        X[Y_COLUMN] = codes.to_numpy()
        files.append(y_path)
    missing = _attach_images(X, data_dir, part, strict, warnings)
    return Dataset(frame=X, data_dir=data_dir, part=part, fingerprint=fingerprint_files(files),
                   warnings=warnings, missing_images=missing)


# -- split -----------------------------------------------------------------------------------

def subset(dataset, limit: int | None):
    """A deterministic stratified subset of about ``limit`` rows (every class kept)."""
    if not limit or limit >= len(dataset):
        return dataset
    if limit < 1:
        raise EshoppyeError(f"--limit doit être positif (reçu {limit})")
    y = dataset.labels
    rng = np.random.default_rng(SEED)
    keep = []
    for code in np.unique(y):
        pos = np.flatnonzero(y == code)
        n = max(min(len(pos), 8), int(round(len(pos) * limit / len(y))))
        keep.append(np.sort(rng.permutation(pos)[:n]))
    frame = dataset.frame.iloc[np.sort(np.concatenate(keep))]
    return dataclasses.replace(dataset, frame=frame, fingerprint=f"{dataset.fingerprint}:limit{limit}")


def split_dataset(labels: np.ndarray, seed: int = SEED, shares: dict | None = None) -> dict:
    """Deterministic stratified split into train/val/test positions (about 72/13/15).

    Returns ``{"train": positions, "val": ..., "test": ..., "info": {...}}``; positions index
    the rows of the dataset frame. Each class is shuffled with its own seeded generator so the
    split of one class does not depend on the others.
    """
    shares = shares or SPLIT_SHARES
    labels = np.asarray(labels)
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": [], "test": []}
    for code in np.unique(labels):
        pos = np.flatnonzero(labels == code)
        rng = np.random.default_rng([seed, int(code)])
        pos = pos[rng.permutation(len(pos))]
        n = len(pos)
        n_test = int(round(n * shares["test"]))
        n_val = int(round(n * shares["val"]))
        if n >= 3:
            n_test, n_val = max(n_test, 1), max(n_val, 1)
        parts["test"].append(pos[:n_test])
        parts["val"].append(pos[n_test:n_test + n_val])
        parts["train"].append(pos[n_test + n_val:])
    out = {k: np.sort(np.concatenate(v)) if v else np.array([], dtype=np.int64) for k, v in parts.items()}
    out["info"] = {"method": "stratified per class", "seed": seed, "shares": shares,
                   "sizes": {k: int(len(out[k])) for k in ("train", "val", "test")}}
    return out


def holdout_split(y: np.ndarray, share: float = 0.1, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (fit positions, early-stopping positions) inside a training set: the one split
    every model that stops early uses (``share`` of each class held out, seeded)."""
    s = split_dataset(y, seed=seed + 1, shares={"train": 1 - share, "val": 0.0, "test": share})
    return s["train"], s["test"]
