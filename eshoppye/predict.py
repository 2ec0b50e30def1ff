"""Prediction: classify products from a table, a CSV file or one typed by a person.

A product without an image is classified by the text models, an image without text by the image
model; every result says which models spoke, and the decision is the first model of
:data:`PREFERENCE` that could speak. Every input row comes out, in order, with the user's columns
unchanged: a row that cannot be read or classified keeps its place with the reason in the
``problème`` column (and one line for people). Reading the products is :mod:`eshoppye.products`,
writing the result file :mod:`eshoppye.output`.
"""

from __future__ import annotations

import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from eshoppye.categories import name_of
from eshoppye.errors import EshoppyeError
from eshoppye.models.ensemble import has_text, load_models, model_probas  # noqa: F401 (load_models is re-exported)
from eshoppye.output import open_output, write_output
from eshoppye.products import RESERVED_COLUMNS, ProductTable, as_id, find_images, read_products, unreadable

# Which model's answer becomes the decision, in order, among those that could speak for a row.
PREFERENCE = ("fusion-late", "text-tfidf", "text-embed", "fusion-concat", "text-bilstm", "image-effnet")
#: Default confidence below which a decision is flagged ``incertain``.
UNCERTAIN_BELOW = 0.5


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
            work[col] = ["" if as_id(v) is None else str(as_id(v)) for v in work[col].tolist()]
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


# -- a products file (eshoppye predict) ----------------------------------------------------------

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

def warm_up(models: dict, with_image: bool = True) -> float:
    """Run one made-up product (title + small image, or the title alone when ``with_image`` is
    False) through every model, so that the first real request does not pay for graph tracing and
    backbone loading. Returns the seconds."""
    from PIL import Image

    t = time.perf_counter()
    image = None
    if with_image:
        buf = io.BytesIO()
        Image.new("RGB", (64, 64), (200, 120, 40)).save(buf, format="PNG")
        image = buf.getvalue()
    classify_product(models, "Produit de démonstration", "", image)
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
        probas, seconds = model_probas(models, frame, speaks=np.array([text_given]))
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
        fused = late.fuse(base)
        fusion_inputs = fused[1][0]
        shares = late.contributions(base, fused)
    words = []
    if "text-tfidf" in per_model and hasattr(models["text-tfidf"], "explain"):
        words = models["text-tfidf"].explain(designation, description)
    return Classification(
        code=int(codes[0]) if codes[0] >= 0 else None,
        confidence=float(conf[0]) if codes[0] >= 0 else None,
        decided_by=who[0], inputs={"text": text_given, "image": bool(image_path)},
        per_model=per_model, silent=silent, fusion_inputs=fusion_inputs, fusion_shares=shares,
        words=words, seconds=seconds, total_seconds=time.perf_counter() - t0)
