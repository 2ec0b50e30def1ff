"""Extra training data (``eshoppye train --extra DIR``): products corrected by reviewers, added to
the training split only.

``DIR`` is in the challenge format (as written by ``eshoppye reviews export``). Its products join
the training positions of the split; validation and test are never touched, so scores stay
comparable with a run without extra data. An extra product that is also in the main data takes
its place when that product is in the training split (the reviewer's label wins); when it is in
validation or test it is left out (it would leak into the score) and counted.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from eshoppye.errors import EshoppyeError


def add_extra(dataset, parts: dict, extra_dir: Path | str, strict: bool = False):
    """``(dataset, parts, info)`` with the products of ``extra_dir`` in the training split.

    ``dataset.fingerprint`` is kept (validation and test are the same data); ``info`` records the
    extra data's folder, fingerprint and how many rows were added, relabelled or left out.
    """
    from eshoppye.data import load_dataset

    extra_dir = Path(extra_dir)
    if not extra_dir.is_dir():
        raise EshoppyeError(f"{extra_dir}: dossier de données supplémentaires introuvable")
    extra = load_dataset(extra_dir, "train", strict=strict)
    frame = dataset.frame.copy()
    where = {int(p): i for i, p in enumerate(frame["productid"].to_numpy())}
    role = np.full(len(frame), "", dtype=object)
    for name in ("train", "val", "test"):
        role[parts[name]] = name
    add_rows, relabelled, left_out = [], 0, 0
    label_col = frame.columns.get_loc("prdtypecode")
    for _, row in extra.frame.iterrows():
        pos = where.get(int(row["productid"]))
        if pos is None:
            add_rows.append(row)
        elif role[pos] == "train":
            frame.iat[pos, label_col] = int(row["prdtypecode"])
            relabelled += 1
        else:
            left_out += 1
    new_parts = dict(parts)
    if add_rows:
        added = pd.DataFrame(add_rows)[frame.columns]
        start = int(frame.index.max()) + 1 if len(frame) else 0
        added.index = np.arange(start, start + len(added))
        n0 = len(frame)
        frame = pd.concat([frame, added])
        new_parts["train"] = np.concatenate([parts["train"], np.arange(n0, n0 + len(added))])
    info = {"dir": str(extra_dir), "fingerprint": extra.fingerprint, "rows": int(len(extra)),
            "added": len(add_rows), "relabelled": relabelled, "left_out_val_test": left_out}
    new_parts["info"] = {**parts["info"], "extra": info,
                         "sizes": {**parts["info"]["sizes"], "train": int(len(new_parts["train"]))}}
    warnings = list(dataset.warnings) + [f"{extra_dir.name}: {w}" for w in extra.warnings]
    return dataclasses.replace(dataset, frame=frame, warnings=warnings), new_parts, info
