"""Hostile text and pictures (issue 11, items 9, 10, 13, 14): linear text cleaning, pictures
checked before being read, unreadable pictures reported per row, features keyed by content."""

from __future__ import annotations

import io
import os
import threading
import time

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from eshoppye.errors import EshoppyeError
from eshoppye.image import load_image


@pytest.mark.parametrize("unit", ["<script ", "<a ", "<!--", "<style", "&amp;", "<b>x</b>", "<<>", "</script"])
def test_one_megabyte_of_adversarial_markup_is_cleaned_quickly(unit):  # item 13
    from eshoppye.text import clean_description, display_text, encoder_text, strip_html

    text = unit * (1_000_000 // len(unit))
    t = time.perf_counter()
    strip_html(text), clean_description(text), display_text(text, text), encoder_text(text, text)
    assert time.perf_counter() - t < 10  # generous; bench/bench_text_hostile.py has the timings


def test_markup_is_still_removed():
    from eshoppye.text import strip_html

    assert strip_html("<p>Lampe <B>LED</B></p><SCRIPT>x()</script>&amp;amp; ok <style>a{}") == "Lampe LED & ok"
    assert strip_html("prix < 10 € > 5 €") == "prix < 10 € > 5 €"


def test_named_pipe_is_refused_at_once(tmp_path):  # item 14
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    result = {}

    def read():
        try:
            load_image(fifo)
        except EshoppyeError as exc:
            result["msg"] = str(exc)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(30)
    assert not t.is_alive(), "load_image blocked on a named pipe"
    assert result["msg"] == f"{fifo} : ce n'est pas un fichier ordinaire (tube, périphérique...), image refusée"


def test_device_is_refused():  # item 14: /dev/zero grows forever
    with pytest.raises(EshoppyeError, match=r"^/dev/zero : ce n'est pas un fichier ordinaire"):
        load_image("/dev/zero")


def test_huge_non_image_is_refused_without_reading(tmp_path, monkeypatch):  # item 14
    big = tmp_path / "big.jpg"
    with open(big, "wb") as f:  # sparse: 1 GB announced, nothing written
        f.truncate(1 << 30)
    monkeypatch.setattr(os, "read", lambda *a: pytest.fail("a 1 GB file was read"))
    with pytest.raises(EshoppyeError, match=r"fichier trop gros pour une image \(1074 Mo, maximum 52 Mo\)"):
        load_image(big)


def test_decompression_bomb_is_one_french_line(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000)).save(bomb)  # 144 Mpx in a few kilobytes
    with pytest.raises(EshoppyeError, match="bombe de décompression refusée"):
        load_image(bomb)


def _fake_backbone(monkeypatch):
    """Features = mean colour repeated: distinct pictures, distinct features, no TensorFlow."""
    from eshoppye.image.features import FeatureCache

    def compute(self, batch):
        self.computed += len(batch)
        return np.repeat(batch.mean(axis=(1, 2)), 1280 // 3 + 1, axis=1)[:, :1280].astype(np.float32)

    monkeypatch.setattr(FeatureCache, "_compute_batch", compute)


def test_same_id_and_size_but_another_picture_is_not_confused(tmp_path, monkeypatch):  # item 10
    from eshoppye.image.features import FeatureCache

    _fake_backbone(monkeypatch)
    a, b = tmp_path / "a.bmp", tmp_path / "b.bmp"
    Image.new("RGB", (32, 32), (250, 0, 0)).save(a)
    Image.new("RGB", (32, 32), (0, 0, 250)).save(b)
    assert a.stat().st_size == b.stat().st_size
    cache = FeatureCache("lite0", root=tmp_path / "features")
    first = cache.extract([str(a)], [7], progress=False).features[0]
    res = FeatureCache("lite0", root=tmp_path / "features").extract([str(b)], [7], progress=False)
    assert res.computed == 1 and res.cached == 0 and not np.allclose(res.features[0], first)
    again = FeatureCache("lite0", root=tmp_path / "features").extract([str(a)], [123], progress=False)
    assert again.cached == 1 and np.allclose(again.features[0], first)  # same bytes, any id: reused


BROKEN = {
    "bomb.png": None,  # written below
    "truncated.jpg": None,
    "text.jpg": b"ceci n'est pas une image\n",
    "empty.jpg": b"",
    "vector.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='10' height='10'/></svg>",
    "fake.heic": b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64,
}


def _broken_images(folder):
    folder.mkdir()
    for name, data in BROKEN.items():
        if data is not None:
            (folder / name).write_bytes(data)
    Image.new("1", (12000, 12000)).save(folder / "bomb.png")
    buf = io.BytesIO()
    Image.new("RGB", (200, 200), (10, 200, 30)).save(buf, format="JPEG")
    (folder / "truncated.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    good = folder / "good.jpg"
    Image.new("RGB", (64, 64), (200, 120, 40)).save(good)
    return [str(folder / n) for n in BROKEN] + ["/etc/passwd", str(good)]


def test_unreadable_images_are_reported_per_row(tmp_path, monkeypatch):  # item 9 (predict)
    from eshoppye.models.ensemble import load_models
    from eshoppye.predict import predict_table
    from eshoppye.products import read_products

    from conftest import MODELS

    _fake_backbone(monkeypatch)
    paths = _broken_images(tmp_path / "imgs")
    frame = pd.DataFrame({"designation": [f"Peluche ours {i}" for i in range(len(paths))], "image_path": paths})
    table = read_products(frame.to_csv(index=False).encode())
    models = load_models(MODELS, only=["image-effnet", "text-tfidf"])
    out = predict_table(models, table)
    assert len(out) == len(paths) and list(out["image_path"]) == paths
    bad, good = out.iloc[:-1], out.iloc[-1]
    assert bad["problème"].str.startswith("image illisible (").all()
    assert bad["problème"].str.endswith("), produit classé sur le texte seul").all()
    assert (bad["prdtypecode_image-effnet"].isna()).all() and bad["prdtypecode"].notna().all()
    assert "bombe de décompression refusée" in out.loc[0, "problème"]
    assert "données tronquées" in out.loc[1, "problème"] or "corromp" in out.loc[1, "problème"]
    assert "fichier vide" in out.loc[3, "problème"]
    assert good["problème"] == "" and pd.notna(good["prdtypecode_image-effnet"])
    assert sum("image illisible" in p for p in table.problems) == len(paths) - 1


def test_training_reports_each_broken_image(tmp_path, monkeypatch, capsys):  # item 9 (reader)
    from eshoppye.train import train_models

    from tests.conftest import write_challenge_dir

    _fake_backbone(monkeypatch)
    (tmp_path / "data").mkdir()
    data = write_challenge_dir(tmp_path / "data", n_per_class=9)
    imgs = sorted((data / "images" / "image_train").iterdir())
    broken = imgs[:27:4]
    for p in broken:
        p.write_bytes(b"pas une image")
    train_models(data, ["image-effnet"], tmp_path / "m", metrics_path=tmp_path / "m.json", progress=False)
    out = capsys.readouterr().out
    reported = [line for line in out.splitlines() if line.startswith("attention: image-effnet: produit ")]
    in_train = [line for line in reported if "ce n'est pas une image lisible" in line]
    assert reported and len(in_train) == len(reported) and all(line.endswith("; image ignorée") for line in reported)
    named = {int(line.split("produit ")[1].split(":")[0]) for line in reported}
    broken_ids = {int(p.name.split("_product_")[1].split(".")[0]) for p in broken}
    assert named <= broken_ids  # only broken pictures are reported, each by its product id
