"""Category prototypes: the reviewed file, its validation, and the rows training adds."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from eshoppye.categories import CODES
from eshoppye.errors import EshoppyeError
from eshoppye.prototypes import load_prototypes, prototypes_fingerprint, with_prototypes


def test_every_code_has_prototypes():
    protos = load_prototypes()
    assert set(protos["prdtypecode"]) == set(CODES)
    assert protos.groupby("prdtypecode").size().min() >= 2
    assert len(prototypes_fingerprint()) == 16


@pytest.mark.parametrize("content, message", [
    ("prdtypecode,prototype\n99,foo\n", "code(s) inconnu(s)"),
    ("code,texte\n10,foo\n", "colonnes attendues"),
    ("prdtypecode,prototype\n10,foo\n", "aucun prototype"),
])
def test_bad_file_is_one_french_line(tmp_path, content, message):
    path = tmp_path / "p.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EshoppyeError, match=re.escape(message)) as err:
        load_prototypes(path)
    assert "\n" not in str(err.value)


def test_with_prototypes_appends_labelled_rows_without_images():
    train = pd.DataFrame({"designation": ["Pompe à sable"], "description": [""], "productid": [1],
                          "imageid": [2], "prdtypecode": [2583], "image_path": ["/x.jpg"]})
    out = with_prototypes(train)
    protos = load_prototypes()
    assert len(out) == 1 + len(protos)
    assert list(out.columns) == list(train.columns)
    assert out["prdtypecode"].dtype == train["prdtypecode"].dtype
    tail = out.iloc[1:]
    assert (tail["image_path"] == "").all() and (tail["productid"] < 0).all()
    assert list(tail["prdtypecode"]) == list(protos["prdtypecode"])
