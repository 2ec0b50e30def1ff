"""Tables and notes the Classifier and Accueil pages show, computed without Streamlit: the remarks
on what a person typed (too long, markup, script), the result in words a business user reads, the
batch classification in steps with French column notes, the example products, and the project's
links (``project.urls`` of ``pyproject.toml``, else the README read in the app). What the Modèles
page shows is in :mod:`eshoppye.model_views`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from eshoppye import config
from eshoppye.predict import UNCERTAIN_BELOW  # the one threshold; the pages read it from here


_HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


_SCRIPT_RE = re.compile(r"<\s*(script|iframe|object|embed|style)\b|javascript:|on\w+\s*=", re.I)


def input_notes(designation: str, description: str) -> list[tuple[str, str]]:
    """Notes about typed text, as ``(level, French message)`` with level ``info``/``warning``."""
    from eshoppye.text import MAX_DESCRIPTION_CHARS as DESC_MAX
    from eshoppye.text import MAX_TITLE_CHARS

    notes = []
    designation, description = designation or "", description or ""
    if len(description) > DESC_MAX:
        notes.append(("warning", f"Description très longue ({len(description):,} caractères) : seuls les "
                                 f"{DESC_MAX:,} premiers sont lus par les modèles.".replace(",", "\u202f")))
    if len(designation) > MAX_TITLE_CHARS:
        notes.append(("warning", f"Titre très long ({len(designation):,} caractères) : seuls les "
                                 f"{MAX_TITLE_CHARS:,} premiers sont lus.".replace(",", "\u202f")))
    both = f"{designation}\n{description}"
    if _SCRIPT_RE.search(both):
        notes.append(("warning", "Le texte contient des balises de script ou du code HTML actif : il est "
                                 "affiché comme du texte inerte et n'est jamais exécuté ; les modèles ne "
                                 "lisent que le texte débarrassé des balises."))
    elif _HTML_RE.search(both):
        notes.append(("info", "Le texte contient des balises HTML : elles sont retirées avant la "
                              "classification (comme dans les descriptions du catalogue)."))
    return notes


# ------------------------------------------------------------------------------------------------
# the result of one classification, in words a business user reads
# ------------------------------------------------------------------------------------------------

DECIDER_PLAIN = {
    "fusion-late": "en combinant les avis des modèles texte et image",
    "fusion-concat": "par le modèle qui lit le texte et la photo ensemble",
    "text-tfidf": "d'après les mots du titre et de la description",
    "text-bilstm": "d'après le texte (réseau de neurones)",
    "text-embed": "d'après le sens du texte",
    "image-effnet": "d'après la photo seule",
}


def decider_sentence(name: str) -> str:
    """How the decision was reached, in plain French (no model jargon)."""
    return DECIDER_PLAIN.get(name, f"par le modèle {name}")


def silent_reason(kind: str, inputs: dict[str, bool]) -> str:
    """Why a model could not judge a product, from what was actually missing."""
    text, image = bool(inputs.get("text")), bool(inputs.get("image"))
    if kind == "image":
        return "pas de photo"
    if kind == "text":
        return "pas de texte"
    missing = [w for w, given in (("texte", text), ("photo", image)) if not given]
    return ("il lui faut le texte et la photo ; manque : " + " et ".join(missing)) if missing else "pas de réponse"


def why_words(models: dict, designation: str, description: str, code: int | None) -> list[tuple[str, float]]:
    """Words of the product that pushed the text model towards the *decided* category ``code``."""
    model = models.get("text-tfidf")
    if model is None or code is None or not hasattr(model, "explain"):
        return []
    try:
        return model.explain(designation or "", description or "", code=code)
    except Exception:  # noqa: BLE001 - an explanation never breaks a result
        return []


def input_signature(designation: str, description: str, image: bytes | None) -> str:
    """A short fingerprint of what was classified, to tell when a shown result no longer matches."""
    import hashlib

    h = hashlib.sha256()
    for part in (designation or "", description or ""):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    h.update(image or b"")
    return h.hexdigest()[:16]


def predict_in_batches(models: dict, table, images_dir=None, progress=None, batch: int = 25) -> pd.DataFrame:
    """:func:`eshoppye.predict.predict_table` over slices of ``batch`` rows, calling
    ``progress(done, total, seconds_left or None)`` after each slice, so a person sees how many
    products are classified and how long the rest will take. Same rows and columns as one call."""
    import time

    from eshoppye.predict import predict_table
    from eshoppye.products import ProductTable

    frame = table.frame
    total = len(frame)
    if total <= batch:
        out = predict_table(models, table, images_dir)
        if progress:
            progress(total, total, 0.0)
        return out
    parts, t0 = [], time.perf_counter()
    for start in range(0, total, batch):
        part = ProductTable(frame.iloc[start:start + batch], table.problems)
        parts.append(predict_table(models, part, images_dir))
        done = min(start + batch, total)
        if progress:
            elapsed = time.perf_counter() - t0
            progress(done, total, elapsed / done * (total - done) if done else None)
    return pd.concat(parts, ignore_index=True)


BATCH_COLUMNS_FR = {
    "prdtypecode": "code de la catégorie décidée (vide : produit non classé)",
    "category": "nom de la catégorie décidée",
    "confidence": "confiance de la décision, entre 0 et 1 (moins de 0,5 : incertain, à vérifier)",
    "decided_by": "modèle dont la réponse fait la décision (fusion-late : combinaison texte + image)",
    "prdtypecode_<modèle>": "catégorie proposée par chaque modèle (vide : il n'avait pas l'entrée nécessaire)",
}


# ------------------------------------------------------------------------------------------------
# example products of the classifier page
# ------------------------------------------------------------------------------------------------

def example_products(dataset, per_class: int = 2, symbols: set[int] | frozenset = frozenset()) -> pd.DataFrame:
    """``per_class`` products of every category from the test split (never seen in training), in
    category order; within a category a real photo comes first, then a symbol image (``symbols``:
    image ids of pictograms), then a product without a picture. Adds ``chip``: a short title for
    an example chip, and ``has_photo``."""
    from eshoppye.data import split_dataset

    test = dataset.frame.iloc[split_dataset(dataset.labels)["test"]]
    has_img = test["image_path"].astype(str) != ""
    ids = pd.to_numeric(test["imageid"], errors="coerce").fillna(-1).astype("int64")
    rank = np.where(~has_img, 2, np.where(ids.isin(list(symbols)), 1, 0))
    test = test.assign(_rank=rank).sort_values(["prdtypecode", "_rank"], kind="stable")
    out = test.groupby("prdtypecode", sort=True).head(per_class)
    return out.assign(chip=[chip_title(t) for t in out["designation"]],
                      has_photo=out["_rank"].to_numpy() < 2).drop(columns="_rank")


def first_per_category(examples: pd.DataFrame) -> pd.DataFrame:
    """The first example of every category (the chips shown on the classifier page)."""
    return examples.groupby("prdtypecode", sort=True).head(1)


def chip_title(text, limit: int = 26) -> str:
    """A product title cut for a chip: whole words up to ``limit`` characters, then an ellipsis."""
    words = " ".join(str(text or "").split())
    if len(words) <= limit:
        return words
    cut = words[:limit + 1].rsplit(" ", 1)[0] if " " in words[:limit + 1] else words[:limit]
    cut = cut.rstrip(" ,;:-–·") or words[:limit]
    return cut + "…"


# ------------------------------------------------------------------------------------------------
# about the project: its links and its README
# ------------------------------------------------------------------------------------------------

CHALLENGE_URL = "https://challengedata.ens.fr/challenges/35"  # the Rakuten challenge (also in the README)


def project_links(root=None) -> dict[str, str]:
    """``[project.urls]`` of the repository's ``pyproject.toml`` (label -> https URL), else the
    ``Project-URL`` entries of the installed package's metadata; {} when the project declares none
    (no address is ever made up)."""
    import tomllib
    from pathlib import Path

    path = Path(root or config.ROOT) / "pyproject.toml"
    urls: dict[str, str] = {}
    if path.is_file():
        try:
            urls = dict((tomllib.loads(path.read_text(encoding="utf-8")).get("project") or {}).get("urls") or {})
        except (OSError, ValueError):
            urls = {}
    else:
        from importlib import metadata

        try:
            for entry in metadata.metadata("eshoppye").get_all("Project-URL") or []:
                label_, _, url = entry.partition(",")
                urls[label_.strip()] = url.strip()
        except metadata.PackageNotFoundError:
            urls = {}
    return {str(k): str(v) for k, v in urls.items() if str(v).startswith(("https://", "http://"))}


_IMAGE_LINE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")


def github_anchor(title: str) -> str:
    """The anchor GitHub gives a Markdown heading (``## Démarrage (deux commandes)`` ->
    ``démarrage-deux-commandes``), for a relative link ``README.md#anchor``."""
    t = title.strip().lower()
    t = re.sub(r"[^\w\- ]", "", t)
    return t.replace(" ", "-")


def readme_sections(root=None) -> list[dict[str, str]]:
    """The README's second-level sections: ``title``, ``anchor`` (GitHub's) and ``body`` (Markdown,
    pictures left out: their relative paths do not resolve in the app). [] without a README."""
    from pathlib import Path

    path = Path(root or config.ROOT) / "README.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    sections: list[dict[str, str]] = []
    title, body, fence = "Présentation", [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        if not fence and line.startswith("## "):
            sections.append({"title": title, "anchor": github_anchor(title), "body": "\n".join(body).strip()})
            title, body = line[3:].strip(), []
            continue
        if not fence and (_IMAGE_LINE.match(line) or line.startswith("# ")):
            continue
        body.append(line)
    sections.append({"title": title, "anchor": github_anchor(title), "body": "\n".join(body).strip()})
    return [s for s in sections if s["body"]]
