"""Rebuild the dev set's photos (data/dev/images/) from freely licensed photographs shipped in packages.

Every image of the development set is a real photograph of the object its listing names, copied from a
package of the Debian archive (no clip art, no drawing):

- ``tuxpaint-stamps-default`` (GPL-2): Tux Paint's photographic stamps, cut-out photos on transparency;
- ``python3-skimage`` (scikit-image's bundled sample data): ``coffee.png`` (CC0, Rachel Michetti);
- ``gcompris-qt-data``: photos of the « categorization » activity, stored in the Qt resource file
  ``categorization.rcc`` (read here by a small parser); each photo's author, source and licence (CC0 or
  public domain) come from the README beside it in the resource and are copied to SOURCES.md.

Install them (``apt-get install tuxpaint-stamps-default python3-skimage gcompris-qt-data``) or unpack the .deb files
(``apt-get download ...`` then ``dpkg-deb -x FILE.deb ROOT``) and pass ``--root ROOT``. Each photo is
centred on a white square, shrunk to fit 500x500 and saved as JPEG quality 85. The script is idempotent: it
rewrites the same bytes on every run, and ``--check`` only verifies that every file is present.
It also writes ``data/dev/SOURCES.md`` (one row per photo: package, original path, licence).
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "images"
MAX_SIDE = 500
QUALITY = 85

TUX = ("tuxpaint-stamps-default", "usr/share/tuxpaint/stamps", "GPL-2 (Tux Paint stamps, Debian copyright file)")
SKI = ("python3-skimage", "usr/lib/python3/dist-packages/skimage/data", "CC0 (photographer Rachel Michetti)")
GCO = ("gcompris-qt-data", "usr/share/gcompris-qt/rcc/categorization.rcc"
       ":gcompris/src/activities/categorization/resource/images", "README")  # licence read per file

# output file -> (package, path inside the package's data folder, what the photo shows)
PHOTOS: dict[str, tuple[tuple[str, str, str], str, str]] = {
    "tux_hammer.jpg": (TUX, "household/tools/hammer.png", "claw hammer, wooden handle"),
    "tux_saw.jpg": (TUX, "household/tools/saw.png", "hand saw"),
    "tux_toolbox.jpg": (TUX, "household/tools/toolbox.png", "red metal toolbox"),
    "tux_spade.jpg": (TUX, "household/tools/spade.png", "garden spade"),
    "tux_cementmixer.jpg": (TUX, "household/tools/cementmixer.png", "cement mixer"),
    "tux_wrench.jpg": (TUX, "household/tools/wrench_adjustable.png", "adjustable wrench"),
    "tux_pliers.jpg": (TUX, "household/tools/plyers.png", "long-nose pliers"),
    "tux_highlighter.jpg": (TUX, "household/arttools/highlighter.png", "highlighter pen"),
    "tux_marker.jpg": (TUX, "household/arttools/pen_dryerase.png", "red dry-erase marker"),
    "tux_mug.jpg": (TUX, "household/dishes/mug.png", "plain white mug"),
    "tux_pitcher.jpg": (TUX, "household/dishes/pitcher_small.png", "porcelain jug, blue decor"),
    "tux_glass.jpg": (TUX, "household/dishes/glass.png", "drinking glass"),
    "tux_peppermill.jpg": (TUX, "household/dishes/utensils/pepper_grinder.png", "wooden pepper mill"),
    "tux_nutcracker.jpg": (TUX, "household/dishes/utensils/nutcracker.png", "metal nutcracker"),
    "ski_coffee.jpg": (SKI, "coffee.png", "espresso cup and saucer"),
    "tux_teddy.jpg": (TUX, "animals/mammals/bears/toys/edward_bear.png", "teddy bear"),
    "tux_doll.jpg": (TUX, "people/toys/grannysmith.png", "rag doll"),
    "tux_duck.jpg": (TUX, "household/rubberduck.png", "rubber bath duck"),
    "tux_xmastree.jpg": (TUX, "seasonal/christmas/Christmas_Tree_photo.png", "decorated Christmas tree"),
    "tux_smoker.jpg": (TUX, "seasonal/christmas/German_Christmas_toy.png", "wooden incense smoker figure"),
    "tux_plasticflower.jpg": (TUX, "plants/flowers/plastic/chuvanna_plastic_poo.png", "artificial flower"),
    "tux_pudding.jpg": (TUX, "seasonal/christmas/Christmas_pudding.png", "Christmas pudding"),
    "tux_mincepie.jpg": (TUX, "seasonal/christmas/Mince_Pie.png", "mince pie"),
    "tux_ginger.jpg": (TUX, "food/spices/ginger.png", "ginger root"),
    "tux_football.jpg": (TUX, "sports/soccer.png", "football"),
    "tux_basketball.jpg": (TUX, "sports/basketball.png", "basketball"),
    "tux_racket.jpg": (TUX, "sports/tennis_racket.png", "tennis racket"),
    "gco_slate.jpg": (GCO, "others/blackslate.webp", "blackboard slate in a wooden frame"),
    "gco_eraser.jpg": (GCO, "others/erasers.webp", "eraser"),
    "gco_pencil.jpg": (GCO, "others/pencil.webp", "pencil"),
    "gco_scissors.jpg": (GCO, "tools/scissors1.webp", "office scissors, orange handles"),
    "gco_cupsaucer.jpg": (GCO, "others/buffetset.webp", "painted porcelain cup and saucer"),
    "gco_plate.jpg": (GCO, "others/plate.webp", "white plate"),
    "gco_spoons.jpg": (GCO, "others/spoons.webp", "spoons"),
    "gco_cutlery.jpg": (GCO, "others/knife.webp", "knife, fork and spoon"),
    "gco_pillow.jpg": (GCO, "others/pillow.webp", "pillow"),
    "gco_volleyball.jpg": (GCO, "others/volleyball.webp", "beach volleyball"),
    "gco_multimeter.jpg": (GCO, "tools/multimeter1.webp", "digital multimeter"),
    "gco_torquedriver.jpg": (GCO, "tools/screwDriver3.webp", "torque screwdriver"),
    "gco_sickle.jpg": (GCO, "tools/sickle.webp", "sickle"),
    "gco_tape.jpg": (GCO, "tools/measuringTape1.webp", "measuring tape"),
    "gco_sidecutter.jpg": (GCO, "tools/sideCutter1.webp", "diagonal side cutters"),
}


def read_rcc(path: Path) -> dict[str, bytes]:
    """Every file of a Qt resource file (format versions 1-3, zlib or no compression) by its path."""
    b = path.read_bytes()
    if b[:4] != b"qres":
        raise ValueError(f"{path}: not a Qt resource file")
    version, tree, data, names = struct.unpack(">IIII", b[4:20])
    node = 22 if version >= 2 else 14
    files: dict[str, bytes] = {}

    def name(off: int) -> str:
        (n,) = struct.unpack(">H", b[names + off:names + off + 2])
        return b[names + off + 6:names + off + 6 + 2 * n].decode("utf-16-be")

    def walk(index: int, prefix: str) -> None:
        o = tree + index * node
        name_off, flags = struct.unpack(">IH", b[o:o + 6])
        path_here = f"{prefix}/{name(name_off)}" if index else ""
        if flags & 2:  # directory
            count, first = struct.unpack(">II", b[o + 6:o + 14])
            for child in range(first, first + count):
                walk(child, path_here)
            return
        (offset,) = struct.unpack(">I", b[o + 10:o + 14])
        (size,) = struct.unpack(">I", b[data + offset:data + offset + 4])
        blob = b[data + offset + 4:data + offset + 4 + size]
        if flags & 4:  # zstd: not used by the files read here
            return
        files[path_here.lstrip("/")] = zlib.decompress(blob[4:]) if flags & 1 else blob

    walk(0, "")
    return files


def readme_licences(readme: str) -> dict[str, str]:
    """GCompris README blocks (Copyright/Source/License/Files) -> file name -> one-line credit."""
    out: dict[str, str] = {}
    for block in readme.replace("\r", "").split("\n\n"):
        fields: dict[str, str] = {}
        listed: list[str] = []
        in_files = False
        for line in block.splitlines():
            if in_files and line.strip():
                listed.append(line.strip())
            elif ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
                in_files = key.strip().lower() == "files"
        for f in listed:
            out[f] = f"{fields.get('license', '?')} ({fields.get('copyright', '?')}; {fields.get('source', '?')})"
    return out


class Sources:
    """Reads the original bytes of every photo under ``root`` (installed or unpacked packages)."""

    def __init__(self, root: Path):
        self.root = root
        self._rcc: dict[str, dict[str, bytes]] = {}

    def location(self, name: str) -> str:
        (_pkg, folder, _lic), rel, _what = PHOTOS[name]
        return f"/{folder}/{rel}"

    def _rcc_files(self, rcc_path: str) -> dict[str, bytes]:
        if rcc_path not in self._rcc:
            self._rcc[rcc_path] = read_rcc(self.root / rcc_path)
        return self._rcc[rcc_path]

    def read(self, name: str) -> bytes:
        (_pkg, folder, _lic), rel, _what = PHOTOS[name]
        if ":" in folder:
            rcc_path, inner = folder.split(":", 1)
            return self._rcc_files(rcc_path)[f"{inner}/{rel}"]
        return (self.root / folder / rel).read_bytes()

    def licence(self, name: str) -> str:
        (_pkg, folder, lic), rel, _what = PHOTOS[name]
        if lic != "README":
            return lic
        rcc_path, inner = folder.split(":", 1)
        sub = rel.rsplit("/", 1)[0]
        readme = self._rcc_files(rcc_path)[f"{inner}/{sub}/README"].decode("utf-8")
        credit = readme_licences(readme).get(rel.rsplit("/", 1)[1], "")
        if not credit.startswith(("CC0", "Public Domain")):
            raise ValueError(f"{rel}: licence not CC0 / public domain: {credit!r}")
        return credit

    def missing(self) -> str | None:
        """The first source file (or resource file) that is not under ``root``, if any."""
        for (_pkg, folder, _lic), rel, _what in PHOTOS.values():
            path = self.root / folder.split(":", 1)[0] if ":" in folder else self.root / folder / rel
            if not path.is_file():
                return str(path)
        return None


def convert(src, dst: Path) -> None:
    """Centre on a white square (8 % margin, like a marketplace packshot), shrink to at most
    MAX_SIDE x MAX_SIDE (never enlarge), save as JPEG (deterministic bytes)."""
    with Image.open(io.BytesIO(src) if isinstance(src, bytes) else src) as im:
        im = im.convert("RGBA")
    side = int(max(im.size) * 1.08) + 1
    flat = Image.new("RGB", (side, side), (255, 255, 255))
    flat.paste(im, ((side - im.width) // 2, (side - im.height) // 2), mask=im.getchannel("A"))
    flat.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    flat.save(dst, "JPEG", quality=QUALITY, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reconstruit data/dev/images/ depuis les paquets Debian.")
    parser.add_argument("--root", default="/", help="racine où les paquets sont installés ou dépaquetés")
    parser.add_argument("--check", action="store_true", help="vérifie seulement la présence des images")
    args = parser.parse_args(argv)
    if args.check:
        missing = [n for n in PHOTOS if not (OUT_DIR / n).is_file()]
        if missing:
            print(f"Images manquantes dans {OUT_DIR} : {', '.join(missing)}", file=sys.stderr)
            return 1
        print(f"{len(PHOTOS)} images présentes.")
        return 0
    sources = Sources(Path(args.root))
    missing = sources.missing()
    if missing:
        print(f"Fichier source introuvable : {missing} (installez tuxpaint-stamps-default, "
              "python3-skimage et gcompris-qt-data, ou passez --root)", file=sys.stderr)
        return 1
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for stale in set(p.name for p in OUT_DIR.glob("*.jpg")) - set(PHOTOS):
        (OUT_DIR / stale).unlink()
    for name in PHOTOS:
        convert(sources.read(name), OUT_DIR / name)
    write_sources(sources)
    print(f"{len(PHOTOS)} images écrites dans {OUT_DIR}, sources dans {HERE / 'SOURCES.md'}")
    return 0


def write_sources(sources: Sources) -> None:
    """``SOURCES.md``: how the photos were made and one row per photo (category from the CSV)."""
    import csv

    with open(HERE / "dev_set.csv", encoding="utf-8", newline="") as f:
        category = {r["image"]: r["prdtypecode"] for r in csv.DictReader(f) if r["image"]}
    lines = [
        "# Sources of the dev set's photos", "",
        "`data/dev/dev_set.csv` is written by hand (see the docstring of `eshoppye/devset.py`); no row",
        "comes from a dataset. Its photos are real photographs (no clip art, no drawing) taken from",
        "Debian packages by `data/dev/fetch_photos.py`, which also writes this file (centred on a white",
        "square, shrunk to at most 500x500, JPEG quality 85):", "",
        "```bash",
        "apt-get install tuxpaint-stamps-default python3-skimage gcompris-qt-data",
        "python3 data/dev/fetch_photos.py            # or, with unpacked .deb files: --root ROOT",
        "```", "",
        "- `tuxpaint-stamps-default` 2022.06.04-1: Tux Paint's photographic stamps; Debian copyright file:",
        "  `Files: *`, Copyright 2002-2022 Bill Kendrick (Tux Paint contributors), GPL-2.",
        "- `python3-skimage` 0.19.3-8: `skimage/data/coffee.png`, « No copyright restrictions. CC0 by the",
        "  photographer (Rachel Michetti) » (docstring of `skimage.data.coffee`).",
        "- `gcompris-qt-data` 3.1-2: photos of the categorization activity inside `categorization.rcc`;",
        "  author, source and licence of each come from the README beside it (CC0 or public domain only).",
        "",
        "Looked at and not used: Tux Paint stamps that are drawings (clothes, chess pieces, cartoons) or",
        "show no product (animals, instruments, vehicles); the other scikit-image photos (astronaut,",
        "rocket, cat); GCompris' word images (drawings) and its other photos (animals, monuments).",
        "Most photos are single objects cut out on white, cleaner than many real marketplace photos (which",
        "show packaging, several items, text, scenes): image scores measured on them are optimistic.",
        "", "| file | category | shows | package | original path | licence |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, ((package, _folder, _lic), _rel, what) in PHOTOS.items():
        lines.append(f"| {name} | {category.get(name, '(unused)')} | {what} | {package} | "
                     f"{sources.location(name)} | {sources.licence(name)} |")
    codes = sorted({int(c) for c in category.values()})
    lines += ["", f"Categories with at least one photo ({len(codes)}): {', '.join(map(str, codes))}."]
    (HERE / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
