"""Rebuild the dev set's photos (data/dev/images/) from freely licensed photographs shipped in packages.

Every image of the development set is a real photograph of the object its listing names, copied from a
package of the Debian archive (no clip art, no drawing):

- ``tuxpaint-stamps-default`` (GPL-2): Tux Paint's photographic stamps, cut-out photos on transparency;
- ``python3-skimage`` (scikit-image's bundled sample data): ``coffee.png`` (CC0, Rachel Michetti).

Install them (``apt-get install tuxpaint-stamps-default python3-skimage``) or unpack the .deb files
(``apt-get download ...`` then ``dpkg-deb -x FILE.deb ROOT``) and pass ``--root ROOT``. Each photo is
centred on a white square, shrunk to fit 500x500 and saved as JPEG quality 85. The script is idempotent: it
rewrites the same bytes on every run, and ``--check`` only verifies that every file is present.
``data/dev/SOURCES.md`` lists the same table for people.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "images"
MAX_SIDE = 500
QUALITY = 85

TUX = ("tuxpaint-stamps-default", "usr/share/tuxpaint/stamps", "GPL-2 (Tux Paint stamps, Debian copyright file)")
SKI = ("python3-skimage", "usr/lib/python3/dist-packages/skimage/data", "CC0 (photographer Rachel Michetti)")

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
}


def source_path(root: Path, name: str) -> Path:
    (_package, folder, _licence), rel, _what = PHOTOS[name]
    return root / folder / rel


def convert(src: Path, dst: Path) -> None:
    """Centre on a white square (8 % margin, like a marketplace packshot), shrink to at most
    MAX_SIDE x MAX_SIDE (never enlarge), save as JPEG (deterministic bytes)."""
    with Image.open(src) as im:
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
    root = Path(args.root)
    missing = [str(source_path(root, n)) for n in PHOTOS if not source_path(root, n).is_file()]
    if missing:
        print(f"Fichier source introuvable : {missing[0]} (installez tuxpaint-stamps-default et "
              "python3-skimage, ou passez --root)", file=sys.stderr)
        return 1
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in PHOTOS:
        convert(source_path(root, name), OUT_DIR / name)
    print(f"{len(PHOTOS)} images écrites dans {OUT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
