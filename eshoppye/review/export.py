"""``eshoppye reviews export``: the products people corrected, written in the challenge format.

The output folder reads like a challenge training folder (``X_train_update.csv``,
``Y_train_CVw08PX.csv`` with the same unnamed index, ``images/image_train/image_{imageid}_product_
{productid}.jpg``), so that ``eshoppye train --extra DIR`` (and any other tool of the challenge)
can use it. One row per product (the latest verdict counts); products that came without ids (the
app's feedback) get ids above :data:`SYNTHETIC_ID_BASE`, far from the challenge's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from eshoppye.errors import EshoppyeError
from eshoppye.review import store

SYNTHETIC_ID_BASE = 9_000_000_000


@dataclass
class ExportSummary:
    out_dir: Path
    products: int
    corrected: int
    confirmed: int
    with_image: int


def export_reviews(out_dir: Path | str, with_confirmed: bool = False, url: str | None = None) -> ExportSummary:
    """Write the corrected products (plus the confirmed ones with ``with_confirmed``)."""
    from eshoppye.data import IMAGE_DIRS, X_TRAIN, Y_TRAIN, image_name

    out_dir = Path(out_dir)
    keep = ("corrected", "confirmed") if with_confirmed else ("corrected",)
    latest: dict[str, store.QueueItem] = {}
    for item in store.reviewed(url):
        if item.verdict is None or item.verdict.verdict not in keep or item.truth is None:
            continue
        key = f"pid:{item.productid}" if item.productid is not None else f"pred:{item.id}"
        old = latest.get(key)
        if old is None or old.verdict.id < item.verdict.id:
            latest[key] = item
    items = sorted(latest.values(), key=lambda it: it.id)
    try:
        img_dir = out_dir / IMAGE_DIRS["train"]
        img_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EshoppyeError(f"{out_dir}: dossier impossible à créer ({exc.strerror})") from None
    rows, labels, with_image = [], [], 0
    used_images: set[int] = set()
    for item in items:
        productid = item.productid if item.productid is not None else SYNTHETIC_ID_BASE + item.id
        imageid = item.imageid if item.imageid is not None and item.imageid not in used_images \
            else SYNTHETIC_ID_BASE + item.id
        used_images.add(imageid)
        rows.append({"designation": item.designation, "description": item.description,
                     "productid": int(productid), "imageid": int(imageid)})
        labels.append(int(item.truth))
        if store.copy_image(item.image_ref, img_dir / image_name(imageid, productid)):
            with_image += 1
    X = pd.DataFrame(rows, columns=["designation", "description", "productid", "imageid"])
    Y = pd.DataFrame({"prdtypecode": labels})
    X.to_csv(out_dir / X_TRAIN)
    Y.to_csv(out_dir / Y_TRAIN)
    corrected = sum(1 for it in items if it.verdict.verdict == "corrected")
    return ExportSummary(out_dir=out_dir, products=len(items), corrected=corrected,
                         confirmed=len(items) - corrected, with_image=with_image)
