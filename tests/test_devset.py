"""The hand-written dev set: coverage, no duplicates, photos present, disjoint from the sample catalogue."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from eshoppye.categories import CODES
from eshoppye.devset import DEV_SET_PATH, load_devset
from eshoppye.errors import EshoppyeError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def dev() -> pd.DataFrame:
    return load_devset()


def test_every_code_has_at_least_12_rows(dev):
    counts = dev["prdtypecode"].value_counts()
    assert set(counts.index) == set(CODES)
    assert counts.min() >= 12, counts[counts < 12].to_dict()
    assert len(dev) >= 324


def test_columns_and_types(dev):
    assert list(dev.columns) == ["designation", "description", "image_path", "prdtypecode"]
    assert dev["prdtypecode"].dtype == "int64"
    assert dev["designation"].str.strip().str.len().min() > 0


def test_no_duplicate_titles(dev):
    titles = dev["designation"].str.strip().str.lower()
    assert not titles.duplicated().any(), titles[titles.duplicated()].tolist()


def test_looks_like_a_marketplace(dev):
    """Real listings often have no description, some raw HTML, some foreign titles."""
    empty = (dev["description"].str.strip() == "").mean()
    assert 0.2 <= empty <= 0.5
    assert dev["description"].str.contains("&eacute;|<br", regex=True).sum() >= 20
    assert dev["designation"].str.contains("Import Anglais", case=False).any()


def test_images_exist_and_are_small(dev):
    from PIL import Image

    with_image = dev[dev["image_path"] != ""]
    assert len(with_image) >= 20
    for p in with_image["image_path"]:
        assert Path(p).is_absolute() and Path(p).is_file(), p
        with Image.open(p) as im:
            assert im.format == "JPEG" and max(im.size) <= 500
    total = sum(f.stat().st_size for f in DEV_SET_PATH.parent.rglob("*") if f.is_file())
    assert total < 8 * 1024 * 1024


def test_includes_the_tests_data_products(dev):
    titles = set(dev["designation"])
    for name in ("obvious_products.csv", "dev_products.csv"):
        starter = pd.read_csv(ROOT / "tests" / "data" / name, keep_default_na=False)
        assert set(starter["designation"]) <= titles, name


def test_disjoint_from_the_sample_catalogue(dev):
    sample = pd.read_csv(SAMPLE / "X_train_update.csv", index_col=0, keep_default_na=False)
    sample_titles = set(sample["designation"].str.strip().str.lower())
    overlap = sorted(set(dev["designation"].str.strip().str.lower()) & sample_titles)
    assert not overlap, overlap[:5]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "dev.csv"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("content, message", [
    ("prdtypecode,designation,description,image\n9999,Un produit,,\n", "code de catégorie inconnu"),
    ("prdtypecode,designation,description,image\nabc,Un produit,,\n", "code de catégorie inconnu"),
    ("prdtypecode,designation,description\n10,Un livre,\n", "colonne(s) manquante(s): image"),
    ("prdtypecode,designation,description,image\n10,   ,,\n", "titre (designation) vide"),
    ("prdtypecode,designation,description,image\n10,Un livre,,absente.jpg\n", "image introuvable"),
    ("prdtypecode,designation,description,image\n10,Un livre,,../dev.csv\n", "image introuvable"),
])
def test_bad_files_give_one_french_line(tmp_path, content, message):
    with pytest.raises(EshoppyeError) as err:
        load_devset(_write(tmp_path, content))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(EshoppyeError, match="introuvable"):
        load_devset(tmp_path / "absent.csv")
    p = tmp_path / "latin1.csv"
    p.write_bytes("prdtypecode,designation,description,image\n10,Café noir,,\n".encode("latin-1"))
    with pytest.raises(EshoppyeError, match="UTF-8"):
        load_devset(p)


def test_reads_a_small_valid_file_with_image(tmp_path):
    from PIL import Image

    (tmp_path / "images").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "images" / "a.jpg")
    p = _write(tmp_path, "prdtypecode,designation,description,image\n"
                         "2583,Bâche piscine,<p>bleue</p>,a.jpg\n1940,Miel 500 g,,\n")
    df = load_devset(p)
    assert df["prdtypecode"].tolist() == [2583, 1940]
    assert df["image_path"].iloc[0] == str((tmp_path / "images" / "a.jpg").resolve())
    assert df["image_path"].iloc[1] == "" and df["description"].iloc[1] == ""


def _fetch_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("fetch_photos", DEV_SET_PATH.parent / "fetch_photos.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_photo_is_listed_in_the_fetch_script_and_sources(dev):
    fetch = _fetch_module()
    used = {Path(p).name for p in dev["image_path"] if p}
    assert used == set(fetch.PHOTOS)
    assert fetch.main(["--check"]) == 0
    sources = (DEV_SET_PATH.parent / "SOURCES.md").read_text(encoding="utf-8")
    for name in fetch.PHOTOS:
        assert f"| {name} |" in sources, name


def test_gcompris_readme_credits_are_parsed_per_file():
    fetch = _fetch_module()
    readme = ("Copyright: A. Author\nSource: https://example.org/a.jpg\nLicense: CC0-1.0\nFiles:\na.webp\nb.webp\n\n"
              "Copyright: B\nSource: https://example.org/c.jpg\nLicense: CC-BY-SA-4.0\nFiles:\nc.webp\n")
    credits = fetch.readme_licences(readme)
    assert credits["a.webp"].startswith("CC0-1.0 (A. Author") and credits["b.webp"] == credits["a.webp"]
    assert credits["c.webp"].startswith("CC-BY-SA-4.0")


def _thumb(path: Path):
    from PIL import Image

    with Image.open(path) as im:
        im.draft("L", (64, 64))
        return im.convert("L").resize((32, 32), Image.BILINEAR)


def _dhash(thumb) -> int:
    """64-bit difference hash (robust to resizing and JPEG re-encoding)."""
    small = thumb.resize((9, 8))
    px = list(small.getdata())
    return sum(1 << i for i in range(64) if px[(i // 8) * 9 + i % 8] > px[(i // 8) * 9 + i % 8 + 1])


def _same_picture(a, b) -> bool:
    """Near-identical hash and near-identical pixels (a hash alone confuses thin objects on white)."""
    from PIL import ImageChops, ImageStat

    if bin(_dhash(a) ^ _dhash(b)).count("1") > 8:
        return False
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0] < 6


def test_dev_photos_are_not_in_the_sample_catalogue(dev, tmp_path):
    """The dev photos must stay out of training: no sample image is a copy of one of them."""
    dev_thumbs = {Path(p).name: _thumb(Path(p)) for p in dev["image_path"] if p}
    copies = []
    for folder in ("image_train", "image_test"):
        for path in sorted((SAMPLE / "images" / folder).glob("*.jpg")):
            t = _thumb(path)
            copies += [(name, path.name) for name, d in dev_thumbs.items() if _same_picture(t, d)]
    assert not copies, copies[:5]
    # the check can see a copy: every dev photo, resized and re-encoded, is recognised
    from PIL import Image

    for name, thumb in dev_thumbs.items():
        with Image.open(DEV_SET_PATH.parent / "images" / name) as im:
            im.resize((224, 224)).save(tmp_path / "copy.jpg", quality=70)
        assert _same_picture(_thumb(tmp_path / "copy.jpg"), thumb), name
        others = [o for n, o in dev_thumbs.items() if n != name]
        assert not any(_same_picture(o, thumb) for o in others), name
