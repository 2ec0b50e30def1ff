"""Category prototypes: a few reviewed phrases per category naming the products it holds.

``eshoppye/resources/category_prototypes.csv`` (columns ``prdtypecode,prototype``) describes each of
the 27 codes the way a catalogue manager would ("piscine et spa : pompe, filtre à sable, bâche...").
They are written from general knowledge of the categories, independently of the sample catalogue
and of the development set. Training adds them to the training split of the base models as
labelled rows, a prior that does not depend on the synthetic catalogue's templates. This module
owns reading, validating and turning them into training rows.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from eshoppye.categories import CODES
from eshoppye.errors import EshoppyeError

PROTOTYPES_PATH = Path(__file__).resolve().parent / "resources" / "category_prototypes.csv"


@lru_cache(maxsize=4)
def _read(path: str) -> tuple[pd.DataFrame, str]:
    p = Path(path)
    try:
        raw = p.read_bytes()
        frame = pd.read_csv(p, dtype={"prdtypecode": "int64", "prototype": "string"}, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise EshoppyeError(f"{p}: prototypes de catégories illisibles ({exc.__class__.__name__})") from None
    if list(frame.columns) != ["prdtypecode", "prototype"]:
        raise EshoppyeError(f"{p}: colonnes attendues prdtypecode,prototype")
    unknown = sorted(set(frame["prdtypecode"]) - set(CODES))
    if unknown:
        raise EshoppyeError(f"{p}: code(s) inconnu(s) {unknown}")
    missing = sorted(set(CODES) - set(frame["prdtypecode"]))
    if missing:
        raise EshoppyeError(f"{p}: aucun prototype pour {missing}")
    if (frame["prototype"].str.strip() == "").any():
        raise EshoppyeError(f"{p}: prototype vide")
    return frame, hashlib.sha256(raw).hexdigest()[:16]


def load_prototypes(path: Path | str | None = None) -> pd.DataFrame:
    """The prototypes as a frame (``prdtypecode``, ``prototype``), validated."""
    return _read(str(path or PROTOTYPES_PATH))[0].copy()


def prototypes_fingerprint(path: Path | str | None = None) -> str:
    return _read(str(path or PROTOTYPES_PATH))[1]


def prototype_rows(columns, path: Path | str | None = None) -> pd.DataFrame:
    """The prototypes as training rows with the given ``columns`` (title = the prototype, no
    description, no image, negative ids so they never collide with a product)."""
    protos = load_prototypes(path)
    n = len(protos)
    rows = pd.DataFrame({c: [""] * n for c in columns})
    rows["designation"] = protos["prototype"].astype(str).to_numpy()
    rows["prdtypecode"] = protos["prdtypecode"].to_numpy()
    for col in ("productid", "imageid"):
        if col in rows:
            rows[col] = -(pd.RangeIndex(n) + 1)
    return rows


def with_prototypes(train: pd.DataFrame, path: Path | str | None = None) -> pd.DataFrame:
    """``train`` followed by the prototype rows (same columns)."""
    rows = prototype_rows(list(train.columns), path)
    for col in train.columns:
        if col in rows and pd.api.types.is_integer_dtype(train[col].dtype):
            rows[col] = rows[col].astype(train[col].dtype)
    return pd.concat([train, rows[list(train.columns)]], ignore_index=True)
