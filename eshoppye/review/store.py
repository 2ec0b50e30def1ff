"""The review queue and the verdicts: every read and write of the review tables goes through here.

:func:`enqueue` keeps predictions for review (``eshoppye predict --review-below``),
:func:`record_verdict` stores a person's verdict on a queued prediction, :func:`record_feedback`
stores a prediction and its verdict in one go (the app's feedback control on any single
classification). Nothing is updated in place: a verdict is a new ``reviews`` row, the latest one
wins and earlier ones stay as history, so two reviewers answering at once both keep their verdict.
Texts are stored as given and must be shown inert by whoever displays them.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from eshoppye.errors import EshoppyeError
from eshoppye.review.db import session
from eshoppye.review.schema import VERDICTS, Prediction, Review

MAX_TEXT = 20_000  # characters kept of a title or description
MAX_NAME = 120


@dataclass
class Verdict:
    id: int
    verdict: str  # confirmed / corrected / unclassifiable
    code: int | None  # the right category (None when not classifiable)
    reviewer: str
    created: Any


@dataclass
class QueueItem:
    """A queued prediction with its current verdict (``None``: not reviewed yet) and history."""

    id: int
    productid: int | None
    imageid: int | None
    designation: str
    description: str
    image_ref: str
    top3: dict[str, list[tuple[int, float]]]
    decision: int | None
    confidence: float | None
    decided_by: str
    disagree: bool
    model_versions: dict[str, str]
    source: str
    created: Any
    verdict: Verdict | None = None
    history: list[Verdict] = field(default_factory=list)

    @property
    def truth(self) -> int | None:
        """The category a person settled on (None: not reviewed or not classifiable)."""
        return self.verdict.code if self.verdict is not None else None


@dataclass
class Recorded:
    """What :func:`record_verdict` stored, and verdicts by others that arrived meanwhile."""

    review_id: int
    prediction_id: int
    others: list[Verdict] = field(default_factory=list)


def _clip(text: Any, limit: int = MAX_TEXT) -> str:
    s = "" if text is None else str(text)
    return s[:limit]


def _int_or_none(value: Any) -> int | None:
    try:
        if value is None or value == "":
            return None
        return int(float(value))
    except (TypeError, ValueError):
        return None


def product_key(productid: Any, designation: str, description: str, image_ref: str) -> str:
    """The product's identity in the queue: its productid, else a hash of its content."""
    pid = _int_or_none(productid)
    if pid is not None:
        return f"pid:{pid}"
    h = hashlib.sha256("\x1f".join((designation or "", description or "", image_ref or "")).encode("utf-8"))
    return "sha:" + h.hexdigest()[:40]


def _top3(per_model: dict) -> dict[str, list[list]]:
    out = {}
    for name, top in (per_model or {}).items():
        out[str(name)] = [[int(c), round(float(p), 6)] for c, p in list(top)[:3]]
    return out


def _prediction(row: dict, source: str) -> Prediction:
    designation = _clip(row.get("designation"))
    description = _clip(row.get("description"))
    image_ref = _clip(row.get("image_ref") or row.get("image_path"), 2000)
    top3 = _top3(row.get("top3") or row.get("per_model") or {})
    firsts = {t[0][0] for t in top3.values() if t}
    conf = row.get("confidence")
    conf = None if conf is None or conf != conf else float(conf)  # NaN -> None
    return Prediction(
        product_key=product_key(row.get("productid"), designation, description, image_ref),
        productid=_int_or_none(row.get("productid")), imageid=_int_or_none(row.get("imageid")),
        designation=designation, description=description, image_ref=image_ref, top3=top3,
        decision=_int_or_none(row.get("decision")), confidence=conf,
        decided_by=_clip(row.get("decided_by"), 64), disagree=len(firsts) > 1,
        model_versions={str(k): str(v) for k, v in (row.get("model_versions") or {}).items()},
        source=_clip(source, 32))


def enqueue(rows: Iterable[dict], source: str = "predict", url: str | None = None) -> int:
    """Keep predictions for review; returns how many were stored.

    Each row is a dict with ``designation``, ``description``, ``productid``, ``imageid``,
    ``image_ref`` (a path), ``top3`` ({model: [(code, probability), ...]}), ``decision``,
    ``confidence``, ``decided_by`` and ``model_versions`` ({model: version}); missing keys are
    empty. A product already waiting in the queue (same key, not yet reviewed) is not added twice.
    """
    from sqlalchemy import select

    preds = [_prediction(r, source) for r in rows]
    if not preds:
        return 0
    with session(url) as s:
        keys = {p.product_key for p in preds}
        waiting = set()
        for chunk in _chunks(sorted(keys), 500):
            reviewed = select(Review.prediction_id)
            waiting |= set(s.scalars(select(Prediction.product_key).where(
                Prediction.product_key.in_(chunk), Prediction.id.not_in(reviewed))))
        fresh, seen = [], set()
        for p in preds:
            if p.product_key in waiting or p.product_key in seen:
                continue
            seen.add(p.product_key)
            fresh.append(p)
        s.add_all(fresh)
    return len(fresh)


def _chunks(seq: list, n: int):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _check_verdict(verdict: str, code: Any) -> int | None:
    from eshoppye.categories import CODES

    if verdict not in VERDICTS:
        raise EshoppyeError(f"verdict inconnu {verdict!r} (confirmed, corrected ou unclassifiable)")
    if verdict == "unclassifiable":
        return None
    code = _int_or_none(code)
    if code is None or code not in CODES:
        raise EshoppyeError(f"catégorie inconnue {code!r} : un des 27 codes prdtypecode attendu")
    return code


def _verdict(r: Review) -> Verdict:
    return Verdict(id=r.id, verdict=r.verdict, code=r.code, reviewer=r.reviewer, created=r.created)


def record_verdict(prediction_id: int, verdict: str, code: int | None = None, reviewer: str = "",
                   seen_review_id: int | None = None, url: str | None = None) -> Recorded:
    """Store a person's verdict on a queued prediction (a new row: nothing is overwritten).

    ``verdict`` is ``confirmed`` (``code`` defaults to the decision), ``corrected`` (``code`` is the
    right category) or ``unclassifiable``. ``seen_review_id`` is the latest review the person saw
    (None: none); reviews stored by others since then are returned in ``others`` so the caller can
    say so. Both verdicts are kept either way, the latest one counts.
    """
    from sqlalchemy import select

    reviewer = " ".join(str(reviewer or "").split())[:MAX_NAME] or "anonyme"
    with session(url) as s:
        pred = s.get(Prediction, int(prediction_id))
        if pred is None:
            raise EshoppyeError(f"prédiction {prediction_id} introuvable dans la file de révision")
        if verdict == "confirmed" and code is None:
            code = pred.decision
        code = _check_verdict(verdict, code)
        q = select(Review).where(Review.prediction_id == pred.id)
        if seen_review_id is not None:
            q = q.where(Review.id > int(seen_review_id))
        others = [_verdict(r) for r in s.scalars(q.order_by(Review.id))]
        review = Review(prediction_id=pred.id, verdict=verdict, code=code, reviewer=reviewer)
        s.add(review)
        s.flush()
        return Recorded(review_id=review.id, prediction_id=pred.id, others=others)


def save_image(data: bytes, folder: Path | None = None) -> str:
    """Keep an uploaded image (content-addressed file in the cache) and return its path."""
    from eshoppye.config import cache_dir

    folder = Path(folder or cache_dir() / "review_images")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (hashlib.sha256(data).hexdigest()[:32] + ".img")
    if not path.is_file():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return str(path)


def record_feedback(classification: Any, designation: str, description: str = "", verdict: str = "confirmed",
                    code: int | None = None, reviewer: str = "", image: bytes | str | None = None,
                    model_versions: dict | None = None, url: str | None = None) -> Recorded:
    """The app's feedback control: store one classification (anything with ``code``,
    ``confidence``, ``decided_by`` and ``per_model``, e.g. :class:`eshoppye.predict.Classification`)
    and a person's verdict on it, in one transaction. ``image`` is the photo (bytes or a path)."""
    image_ref = ""
    if isinstance(image, (bytes, bytearray)) and image:
        image_ref = save_image(bytes(image))
    elif image:
        image_ref = str(image)
    if verdict == "confirmed" and code is None:
        code = getattr(classification, "code", None)
    code = _check_verdict(verdict, code)
    pred = _prediction({
        "designation": designation, "description": description, "image_ref": image_ref,
        "top3": getattr(classification, "per_model", {}), "decision": getattr(classification, "code", None),
        "confidence": getattr(classification, "confidence", None),
        "decided_by": getattr(classification, "decided_by", ""), "model_versions": model_versions or {},
    }, source="app")
    reviewer = " ".join(str(reviewer or "").split())[:MAX_NAME] or "anonyme"
    with session(url) as s:
        s.add(pred)
        s.flush()
        review = Review(prediction_id=pred.id, verdict=verdict, code=code, reviewer=reviewer)
        s.add(review)
        s.flush()
        return Recorded(review_id=review.id, prediction_id=pred.id)


# -- reading --------------------------------------------------------------------------------------

def _items(s, preds: list[Prediction]) -> list[QueueItem]:
    from sqlalchemy import select

    by_pred: dict[int, list[Verdict]] = {p.id: [] for p in preds}
    for chunk in _chunks(list(by_pred), 500):
        for r in s.scalars(select(Review).where(Review.prediction_id.in_(chunk)).order_by(Review.id)):
            by_pred[r.prediction_id].append(_verdict(r))
    out = []
    for p in preds:
        hist = by_pred[p.id]
        out.append(QueueItem(
            id=p.id, productid=p.productid, imageid=p.imageid, designation=p.designation,
            description=p.description, image_ref=p.image_ref,
            top3={m: [(int(c), float(v)) for c, v in t] for m, t in (p.top3 or {}).items()},
            decision=p.decision, confidence=p.confidence, decided_by=p.decided_by, disagree=bool(p.disagree),
            model_versions=dict(p.model_versions or {}), source=p.source, created=p.created,
            verdict=hist[-1] if hist else None, history=hist))
    return out


def queue(status: str = "pending", category: int | None = None, disagreement: bool = False,
          limit: int | None = 50, offset: int = 0, url: str | None = None) -> list[QueueItem]:
    """Queued predictions, least confident first.

    ``status``: ``pending`` (no verdict yet), ``reviewed`` or ``all``; ``category``: only those the
    models decided to put in this category; ``disagreement``: only those whose models' first
    answers differ.
    """
    from sqlalchemy import select

    if status not in ("pending", "reviewed", "all"):
        raise EshoppyeError(f"statut inconnu {status!r} (pending, reviewed ou all)")
    q = select(Prediction)
    reviewed = select(Review.prediction_id)
    if status == "pending":
        q = q.where(Prediction.id.not_in(reviewed))
    elif status == "reviewed":
        q = q.where(Prediction.id.in_(reviewed))
    if category is not None:
        q = q.where(Prediction.decision == int(category))
    if disagreement:
        q = q.where(Prediction.disagree.is_(True))
    q = q.order_by(Prediction.confidence.is_(None).desc(), Prediction.confidence.asc(), Prediction.id.asc())
    if offset:
        q = q.offset(int(offset))
    if limit is not None:
        q = q.limit(int(limit))
    with session(url) as s:
        return _items(s, list(s.scalars(q)))


def get(prediction_id: int, url: str | None = None) -> QueueItem | None:
    """One queued prediction with its verdict and history (None when absent)."""
    with session(url) as s:
        p = s.get(Prediction, int(prediction_id))
        return _items(s, [p])[0] if p is not None else None


def progress(category: int | None = None, disagreement: bool = False, url: str | None = None) -> tuple[int, int]:
    """``(reviewed, total)`` predictions in the queue (with the same filters as :func:`queue`)."""
    from sqlalchemy import func, select

    total = select(func.count(Prediction.id))
    done = select(func.count(Prediction.id)).where(Prediction.id.in_(select(Review.prediction_id)))
    if category is not None:
        total = total.where(Prediction.decision == int(category))
        done = done.where(Prediction.decision == int(category))
    if disagreement:
        total = total.where(Prediction.disagree.is_(True))
        done = done.where(Prediction.disagree.is_(True))
    with session(url) as s:
        return int(s.scalar(done) or 0), int(s.scalar(total) or 0)


def categories_in_queue(url: str | None = None) -> list[int]:
    """The categories decided for the queued products (for the page's filter)."""
    from sqlalchemy import select

    with session(url) as s:
        return sorted(int(c) for c in s.scalars(select(Prediction.decision).distinct()) if c is not None)


def reviewed(url: str | None = None) -> list[QueueItem]:
    """Every prediction with at least one verdict, with its history."""
    return queue("reviewed", limit=None, url=url)


def precision_by_category(url: str | None = None) -> list[dict]:
    """Precision of each model per category it predicted, measured on the reviews so far.

    For every reviewed product whose current verdict names a category (confirmed or corrected),
    a model that put it first in category ``c`` was right when the verdict is ``c``. Returns rows
    ``{"model", "category", "reviewed", "correct", "precision"}``; the decision itself is the
    model ``"décision"``.
    """
    counts: dict[tuple[str, int], list[int]] = {}
    for item in reviewed(url):
        truth = item.truth
        if truth is None:
            continue
        firsts = {m: t[0][0] for m, t in item.top3.items() if t}
        if item.decision is not None:
            firsts["décision"] = item.decision
        for model, code in firsts.items():
            c = counts.setdefault((model, int(code)), [0, 0])
            c[0] += 1
            c[1] += int(code == truth)
    return [{"model": m, "category": c, "reviewed": n, "correct": k, "precision": k / n}
            for (m, c), (n, k) in sorted(counts.items(), key=lambda kv: (kv[0][0] != "décision", kv[0]))]


def copy_image(src: str, dest: Path) -> bool:
    """Copy a queued product's image to ``dest`` as JPEG; False when it is missing or unreadable."""
    path = Path(src) if src else None
    if path is None or not path.is_file():
        return False
    try:
        from PIL import Image

        with Image.open(path) as img:
            if img.format == "JPEG":
                shutil.copyfile(path, dest)
            else:
                img.convert("RGB").save(dest, "JPEG", quality=92)
        return True
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
