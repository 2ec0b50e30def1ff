"""The hand-written development set: real-looking marketplace listings to measure transfer to real data.

``data/dev/dev_set.csv`` (UTF-8; columns ``prdtypecode,designation,description,image``) holds listings
written by the team from general knowledge of how Rakuten France listings look (brands, issue numbers,
platform tags, lots, sizes, ALL CAPS and HTML descriptions, some English or German titles), at least 12
per category, never copied from any dataset and kept out of the sample generator's templates. ``image``
is a file name under ``data/dev/images/`` (real photographs from Debian packages, see
``data/dev/SOURCES.md``) or empty. This module owns reading and validating it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from eshoppye.categories import CODES
from eshoppye.config import ROOT
from eshoppye.errors import EshoppyeError

DEV_DIR = ROOT / "data" / "dev"
DEV_SET_PATH = DEV_DIR / "dev_set.csv"
COLUMNS = ("prdtypecode", "designation", "description", "image")


def load_devset(path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate the dev set.

    Returns a frame with columns ``designation``, ``description`` (empty string when missing),
    ``image_path`` (absolute path, or empty) and ``prdtypecode`` (int). Images are looked up in an
    ``images/`` folder beside the CSV. Any problem raises :class:`EshoppyeError` with one French line.
    """
    path = Path(path) if path is not None else DEV_SET_PATH
    if not path.is_file():
        raise EshoppyeError(f"{path}: jeu de développement introuvable")
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise EshoppyeError(f"{path}: le fichier n'est pas en UTF-8 (octet {err.start})") from None
    try:
        from io import StringIO

        df = pd.read_csv(StringIO(raw), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else "fichier vide"
        raise EshoppyeError(f"{path}: CSV illisible ({first})") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise EshoppyeError(f"{path}: colonne(s) manquante(s): {', '.join(missing)}")
    images_dir = path.parent / "images"
    known = set(CODES)
    codes, image_paths = [], []
    for i, row in enumerate(df.itertuples(index=False), start=2):  # line 1 is the header
        text = row.prdtypecode.strip()
        if not text.lstrip("-").isdigit() or int(text) not in known:
            raise EshoppyeError(f"{path}, ligne {i}: code de catégorie inconnu « {row.prdtypecode} »")
        codes.append(int(text))
        if not row.designation.strip():
            raise EshoppyeError(f"{path}, ligne {i}: titre (designation) vide")
        name = row.image.strip()
        if not name:
            image_paths.append("")
            continue
        image = (images_dir / name).resolve()
        if Path(name).name != name or not image.is_file():
            raise EshoppyeError(f"{path}, ligne {i}: image introuvable « {name} » dans {images_dir}")
        image_paths.append(str(image))
    return pd.DataFrame({
        "designation": df["designation"].astype(str),
        "description": df["description"].astype(str),
        "image_path": image_paths,
        "prdtypecode": pd.Series(codes, dtype="int64"),
    })
