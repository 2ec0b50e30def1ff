"""Reading products to classify: every bad input is reported, nothing is lost silently."""

from __future__ import annotations

import pandas as pd
import pytest

from eshoppye.errors import EshoppyeError
from eshoppye.products import find_images, read_products


def test_reads_challenge_style_csv_with_index():
    t = read_products(b",designation,description,productid,imageid\n0,Titre,<b>d</b>,1,2\n")
    assert list(t.frame.columns[:3]) == ["_line", "index", "designation"]
    assert t.frame.loc[0, "designation"] == "Titre" and t.problems == []


def test_missing_designation_column():
    with pytest.raises(EshoppyeError, match="colonne 'designation' manquante.*titre"):
        read_products(b"titre,description\nx,y\n")


def test_wrong_field_count_reported_with_line():
    t = read_products(b"designation,description\na,b\nc,d,e\nf,g\n")
    assert list(t.frame["designation"]) == ["a", "c", "f"]  # kept in place, not classified
    assert t.problems == ["entrée, ligne 3: 3 champs au lieu de 2, produit non classé"]
    assert list(t.frame["_problem"]) == ["", "3 champs au lieu de 2, produit non classé", ""]


def test_windows_1252_is_read_and_reported():
    t = read_products("designation\nCafé crème\n".encode("cp1252"))
    assert t.frame.loc[0, "_problem"] == "pas en UTF-8, lue comme Windows-1252"
    assert t.frame.loc[0, "designation"] == "Café crème"
    assert any("Windows-1252" in p for p in t.problems)


def test_semicolon_delimiter_and_no_description():
    t = read_products("designation;prix\nLampe;12\n".encode())
    assert t.frame.loc[0, "designation"] == "Lampe" and t.frame.loc[0, "description"] == ""


@pytest.mark.parametrize("raw,msg", [(b"", "vide"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binaire"),
                                     (b"   \n", "vide")])
def test_unusable_files(raw, msg):
    with pytest.raises(EshoppyeError, match=msg):
        read_products(raw)


def test_missing_file(tmp_path):
    with pytest.raises(EshoppyeError, match="introuvable"):
        read_products(tmp_path / "absent.csv")


def test_images_found_by_challenge_naming_or_column(tmp_path):
    (tmp_path / "image_train").mkdir()
    (tmp_path / "image_train" / "image_2_product_1.jpg").write_bytes(b"x")
    (tmp_path / "own.jpg").write_bytes(b"x")
    frame = pd.DataFrame({"_line": [2, 3, 4], "designation": ["a", "b", "c"], "productid": ["1", "5", "7"],
                          "imageid": ["2", "6", "8"], "image_path": ["", "", "own.jpg"]})
    problems = []
    paths = find_images(frame, tmp_path, problems)
    assert paths[0].endswith("image_2_product_1.jpg") and paths[1] == ""
    assert paths[2] == str(tmp_path / "own.jpg")
    frame.loc[1, "image_path"] = "/nowhere/x.jpg"
    paths = find_images(frame, tmp_path, problems)
    assert paths[1] == "" and any("ligne 3: image introuvable" in p for p in problems)


def test_decide_gives_photo_only_rows_to_the_image_model():
    """A row no text model speaks for is decided by the image model, not by a fusion of the photo alone."""
    import numpy as np

    from eshoppye.predict import decide

    class Fake:
        def __init__(self, kind):
            self.kind, self.classes_ = kind, np.array([10, 2583])

    models = {"fusion-late": Fake("fusion"), "text-tfidf": Fake("text"), "image-effnet": Fake("image")}
    nan = [np.nan, np.nan]
    probas = {"fusion-late": np.array([[0.9, 0.1], [0.8, 0.2]]),
              "text-tfidf": np.array([[0.6, 0.4], nan]),
              "image-effnet": np.array([[0.3, 0.7], [0.1, 0.9]])}
    codes, conf, who = decide(models, probas)
    assert list(codes) == [10, 2583]
    assert who == ["fusion-late", "image-effnet"]
