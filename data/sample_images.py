"""Synthetic product photos for the eShopPye sample catalogue.

``render_image(code, rng, title="", subject=None)`` returns a 256x256 RGB ``PIL.Image`` that
looks like a marketplace listing photo. With ``subject`` (``{"glyph", "symbol"}``, chosen by
``data/make_sample.py`` from the product type the title names, see
``data/sample/vocabulary/``), the picture shows that object: alone, as a pair or as a lot,
on a background that does not depend on the category, with the usual clutter (price tag,
shopping bag, import flag when the title says "Import", short text overlay, slight blur).
Without a subject it falls back to an object typical of category ``code``.

Prerequisites
-------------
* Pillow (with FreeType; raqm recommended for flag emoji) and numpy.
* The object artwork is the Noto Color Emoji font::

      apt-get install fonts-noto-color-emoji

  (file ``/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf``; override with
  the ``NOTO_EMOJI_FONT`` environment variable).
* Optional: DejaVu Sans (``fonts-dejavu-core``) for text overlays; Pillow's
  default bitmap font is used otherwise.

Licence of the artwork
----------------------
Noto Color Emoji (Google) is distributed under the SIL Open Font License 1.1;
the rendered glyphs are used here as object artwork for synthetic images.
Flags are Unicode regional-indicator sequences rendered from the same font.

Determinism: the output depends only on ``(code, rng state, title)`` (for a
given Pillow / font version). Glyphs are rendered once and cached.

Run ``python3 data/sample_images.py`` to write a contact sheet (2 renders per
category) to ``/tmp/contact.png`` and print size / timing statistics.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = 256
EMOJI_FONT_PATH = os.environ.get(
    "NOTO_EMOJI_FONT", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
)
EMOJI_FONT_SIZE = 109  # the only bitmap strike size in NotoColorEmoji.ttf
TEXT_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)

# --------------------------------------------------------------------------
# Object sets per category (emoji sequences; U+FE0F is stripped at render time)
# --------------------------------------------------------------------------
EMOJI: dict[int, list[str]] = {
    10: ["📕", "📗", "📘", "📙", "📖", "📓", "📔"],          # livres adulte
    2280: ["📰", "🗞️", "📰", "🗞️", "📃", "📑"],            # magazines
    2705: ["📚", "🖼️", "🎨", "📖", "🏛️", "🗺️"],            # livres illustrés / BD
    2403: ["📖", "🧸", "🦄", "🐻", "🎈", "🐰", "🌈"],         # livres jeunesse
    1160: ["🃏", "🎴", "🀄", "♠️", "♥️", "♦️"],            # jeux de cartes
    1280: ["🧸", "🪀", "🚗", "🪆", "🤖", "🚒", "🪅"],         # jouets
    1281: ["🎲", "♟️", "🧩", "🎯", "🎳", "🀄"],              # jeux de société
    1140: ["🦸", "🧙", "👾", "🦖", "☕", "🧛", "🥷"],         # goodies geek
    1180: ["🛡️", "⚔️", "🏰", "🐉", "🗡️", "🏹", "🧌"],        # figurines / wargames
    1300: ["🚁", "✈️", "🚂", "🏎️", "🚤", "🛸", "🛩️", "🚜"],   # modèles réduits / RC
    1302: ["🏐", "⚽", "🛝", "🪁", "🏖️", "🎪", "🛴", "🏀"],    # jouets plein air
    1320: ["🍼", "👶", "🧷", "🚼", "🛁", "🧴"],              # puériculture
    1301: ["🧦", "👕", "🧢", "🧤", "🎒", "👟"],              # matériel enfant
    1560: ["🛏️", "🛋️", "🪑", "🚪", "🗄️", "🪞"],             # mobilier / literie
    1920: ["🧺", "🪟", "🛏️", "🧶", "🧵", "🛋️"],             # linge / coussins
    2060: ["🕯️", "🖼️", "🪞", "💡", "🏺", "🌸", "🪔"],         # décoration
    2582: ["⛱️", "🪑", "🌳", "🏡", "🍽️", "🏕️"],             # mobilier de jardin
    2585: ["🔨", "🪛", "🔧", "🪚", "🪴", "🌻", "🚿", "⛏️"],    # bricolage / jardin
    2522: ["✏️", "🖊️", "📒", "📎", "📐", "✂️", "📏", "🖍️"],   # papeterie
    2583: ["🏊", "🌊", "🩱", "🛟", "💧", "🤽"],              # piscine / spa
    2220: ["🐕", "🐈", "🦴", "🐟", "🐹", "🦜", "🐾"],         # animaux
    1940: ["☕", "🍫", "🍬", "🧂", "🍪", "🍵", "🫖", "🍯"],    # nourriture
    40: ["🎮", "💿", "🇬🇧", "🇺🇸", "🇯🇵", "📀"],             # jeux vidéo importés
    60: ["👾", "🕹️", "📺", "📼", "💾"],                      # rétrogaming
    2462: ["🎮", "📦", "💿", "🏆", "🎮"],                     # jeux geek / lots
    50: ["🎧", "🔌", "🔋", "🕹️", "🎙️", "🖲️"],               # accessoires JV
    2905: ["💻", "⌨️", "🖱️", "🔑", "🖥️", "🗝️"],             # jeux dématérialisés
}

# generic / distractor objects (box, bags, price tag, parcel)
GENERIC = ["📦", "🛍️", "🏷️", "🎁", "🛒"]

# neighbouring categories (used for "ambiguous" images)
NEIGHBOURS: dict[int, list[int]] = {
    10: [2280, 2705, 2403], 2280: [10, 2705], 2705: [10, 2403, 2280],
    2403: [2705, 10, 1280], 1160: [1281, 1140], 1280: [1281, 1302, 1140],
    1281: [1280, 1160], 1140: [1280, 1180, 2462], 1180: [1300, 1140],
    1300: [1180, 1280], 1302: [1280, 2583], 1320: [1301, 1280],
    1301: [1320], 1560: [1920, 2060, 2582], 1920: [1560, 2060],
    2060: [1920, 1560], 2582: [1560, 2585], 2585: [2582], 2522: [2403, 10],
    2583: [1302, 2585], 2220: [2585], 1940: [2060], 40: [2462, 60, 50],
    60: [40, 2462], 2462: [40, 60, 1140], 50: [40, 60, 2905],
    2905: [50, 40],
}

# per-category style: background tint (RGB) used for "flat"/"gradient" backgrounds,
# preferred layout and whether the object tends to be stacked / multiple.
# Layouts: "single", "pair", "stack" (overlapping copies), "grid", "scene".
STYLE: dict[int, dict] = {
    10: {"tint": (235, 228, 212), "layouts": ("single", "stack")},
    2280: {"tint": (225, 225, 225), "layouts": ("fan", "single")},
    2705: {"tint": (246, 226, 200), "layouts": ("pair", "single")},
    2403: {"tint": (255, 222, 235), "layouts": ("pair", "scene")},
    1160: {"tint": (210, 235, 215), "layouts": ("fan", "grid")},
    1280: {"tint": (255, 240, 190), "layouts": ("single", "pair")},
    1281: {"tint": (215, 230, 250), "layouts": ("grid", "single")},
    1140: {"tint": (80, 80, 105), "layouts": ("single",)},
    1180: {"tint": (120, 110, 100), "layouts": ("single", "scene")},
    1300: {"tint": (205, 225, 245), "layouts": ("single",)},
    1302: {"tint": (200, 240, 200), "layouts": ("scene", "single")},
    1320: {"tint": (235, 245, 255), "layouts": ("single", "pair")},
    1301: {"tint": (255, 235, 215), "layouts": ("single", "grid")},
    1560: {"tint": (230, 225, 215), "layouts": ("single",)},
    1920: {"tint": (240, 232, 245), "layouts": ("single", "pair")},
    2060: {"tint": (245, 240, 225), "layouts": ("single", "pair")},
    2582: {"tint": (215, 240, 215), "layouts": ("scene", "single")},
    2585: {"tint": (225, 225, 215), "layouts": ("single", "grid")},
    2522: {"tint": (250, 250, 235), "layouts": ("grid", "single")},
    2583: {"tint": (190, 230, 250), "layouts": ("single", "scene")},
    2220: {"tint": (240, 230, 210), "layouts": ("single", "pair")},
    1940: {"tint": (245, 225, 205), "layouts": ("pair", "grid")},
    40: {"tint": (50, 80, 160), "layouts": ("pair", "single"),
         "badge": ("🇬🇧", "🇺🇸", "🇯🇵", "🇩🇪")},  # import flag in a corner
    60: {"tint": (60, 60, 65), "layouts": ("single", "pair")},
    2462: {"tint": (90, 40, 120), "layouts": ("grid", "pair")},
    50: {"tint": (70, 75, 85), "layouts": ("single",)},
    2905: {"tint": (45, 55, 85), "layouts": ("single", "pair")},
}

BRANDS = ["NEW", "PROMO", "-30%", "LOT", "NEUF", "TOP", "OFFRE", "DISPO",
          "HD", "XL", "BIO", "KIDS", "PRO", "2 EN 1", "COLLECTOR"]

P_GENERIC = 0.18  # share of deliberately generic / ambiguous images


# --------------------------------------------------------------------------
# Glyph rendering and cache
# --------------------------------------------------------------------------
def _clean(seq: str) -> str:
    return seq.replace("\ufe0f", "")


@lru_cache(maxsize=1)
def _emoji_font() -> ImageFont.FreeTypeFont:
    if not os.path.exists(EMOJI_FONT_PATH):
        raise RuntimeError(
            f"Noto Color Emoji font not found at {EMOJI_FONT_PATH}. Install it with "
            "`apt-get install fonts-noto-color-emoji` (or set NOTO_EMOJI_FONT)."
        )
    try:
        return ImageFont.truetype(EMOJI_FONT_PATH, EMOJI_FONT_SIZE)
    except OSError as exc:  # pragma: no cover
        raise RuntimeError(
            f"Cannot load {EMOJI_FONT_PATH} ({exc}); Pillow needs FreeType with "
            "CBDT colour-bitmap support. `apt-get install fonts-noto-color-emoji`."
        ) from exc


@lru_cache(maxsize=1)
def _text_font_path() -> str | None:
    for p in TEXT_FONT_CANDIDATES:
        if os.path.exists(p):
            return p
    return None


@lru_cache(maxsize=64)
def _text_font(size: int):
    p = _text_font_path()
    if p is None:
        return ImageFont.load_default()
    return ImageFont.truetype(p, size)


_GLYPHS: dict[str, Image.Image | None] = {}


def _render_glyph(seq: str) -> Image.Image | None:
    """Render one emoji sequence to a tight RGBA crop (None if empty/tofu)."""
    font = _emoji_font()
    s = _clean(seq)
    canvas = Image.new("RGBA", (EMOJI_FONT_SIZE * 3, EMOJI_FONT_SIZE * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(canvas)
    d.text((10, 10), s, font=font, embedded_color=True)
    bbox = canvas.getchannel("A").getbbox()
    if bbox is None:
        return None
    g = canvas.crop(bbox)
    w, h = g.size
    # a missing glyph / unjoined sequence shows as two glyphs side by side or
    # as a tofu box; reject anything much wider than one glyph
    if w > EMOJI_FONT_SIZE * 1.45 or h < 20:
        return None
    return g


def glyph(seq: str) -> Image.Image | None:
    if seq not in _GLYPHS:
        _GLYPHS[seq] = _render_glyph(seq)
    return _GLYPHS[seq]


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, list[Image.Image]], list[Image.Image]]:
    """Render and cache every glyph once; drop the ones that do not render."""
    per_code: dict[int, list[Image.Image]] = {}
    for code, seqs in EMOJI.items():
        gl = [g for g in (glyph(s) for s in seqs) if g is not None]
        if not gl:
            raise RuntimeError(f"no emoji of category {code} renders with {EMOJI_FONT_PATH}")
        per_code[code] = gl
    generic = [g for g in (glyph(s) for s in GENERIC) if g is not None]
    return per_code, generic


def available_emoji() -> dict[int, list[str]]:
    """Emoji actually used per code (those that render in the installed font)."""
    return {c: [s for s in seqs if glyph(s) is not None] for c, seqs in EMOJI.items()}


# --------------------------------------------------------------------------
# Backgrounds
# --------------------------------------------------------------------------
def _jitter(c, rng, amp=12):
    return tuple(int(np.clip(v + rng.integers(-amp, amp + 1), 0, 255)) for v in c)


NEUTRAL_TINTS = [(235, 228, 212), (225, 225, 225), (246, 226, 200), (215, 230, 250), (210, 235, 215),
                 (240, 232, 245), (255, 240, 190), (230, 225, 215), (190, 230, 250), (80, 80, 105), (60, 60, 65)]


def _background(code: int, rng: np.random.Generator, generic: bool, tint=None) -> Image.Image:
    tint = STYLE[code]["tint"] if tint is None else tint
    dark_tint = sum(tint) < 400
    u = rng.random()
    if generic:
        u = rng.random() * 0.75  # generic images: plain light backgrounds only
    if u < 0.45:  # white / near-white studio
        v = int(rng.integers(240, 256))
        return Image.new("RGB", (SIZE, SIZE), (v, v, int(min(255, v + rng.integers(-3, 4)))))
    if u < 0.58:  # light grey / off-white
        base = int(rng.integers(215, 240))
        return Image.new("RGB", (SIZE, SIZE), _jitter((base, base, base - 4), rng, 6))
    if u < 0.75:  # flat category tint
        return Image.new("RGB", (SIZE, SIZE), _jitter(tint, rng, 14))
    if u < 0.9:  # vertical / diagonal gradient from tint to white (or dark)
        a = np.array(_jitter(tint, rng, 14), dtype=np.float32)
        b = np.array((30, 30, 35) if dark_tint and rng.random() < 0.5 else (252, 252, 252),
                     dtype=np.float32)
        t = np.linspace(0.0, 1.0, SIZE, dtype=np.float32)
        if rng.random() < 0.5:
            tt = t[:, None] * np.ones((1, SIZE), np.float32)
        else:
            tt = (t[:, None] + t[None, :]) / 2
        arr = a[None, None, :] * (1 - tt[..., None]) + b[None, None, :] * tt[..., None]
        return Image.fromarray(arr.astype(np.uint8), "RGB")
    # light, low-frequency texture: soft stripes or a table edge
    base = np.array(_jitter((235, 232, 226), rng, 10), dtype=np.float32)
    arr = np.ones((SIZE, SIZE, 3), np.float32) * base
    if rng.random() < 0.5:
        period = rng.integers(24, 64)
        ys = np.arange(SIZE)
        stripe = ((ys // (period // 2)) % 2).astype(np.float32) * rng.uniform(6, 14)
        arr -= stripe[:, None, None]
    else:
        edge = int(rng.integers(150, 215))
        arr[edge:] = np.array(_jitter(tint if not dark_tint else (200, 190, 170), rng, 10))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


# --------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------
def _place(canvas: Image.Image, g: Image.Image, rng: np.random.Generator,
           scale: float, angle: float, center: tuple[float, float] | None = None,
           allow_crop: bool = False, shadow: bool = False) -> None:
    side = max(8, int(round(SIZE * scale)))
    w, h = g.size
    f = side / max(w, h)
    obj = g.resize((max(1, int(w * f)), max(1, int(h * f))), Image.BICUBIC)
    if abs(angle) > 1:
        # rotate premultiplied to avoid dark fringes from transparent black pixels
        obj = obj.convert("RGBa").rotate(angle, resample=Image.BICUBIC, expand=True).convert("RGBA")
    ow, oh = obj.size
    if center is None:
        lo_x, hi_x = ow / 2, SIZE - ow / 2
        lo_y, hi_y = oh / 2, SIZE - oh / 2
        if allow_crop:
            lo_x, hi_x = lo_x - ow * 0.3, hi_x + ow * 0.3
            lo_y, hi_y = lo_y - oh * 0.3, hi_y + oh * 0.3
        cx = rng.uniform(min(lo_x, SIZE / 2), max(hi_x, SIZE / 2))
        cy = rng.uniform(min(lo_y, SIZE / 2), max(hi_y, SIZE / 2))
    else:
        cx, cy = center
    x, y = int(cx - ow / 2), int(cy - oh / 2)
    if shadow:
        sh = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
        ImageDraw.Draw(sh).ellipse(
            (x + ow * 0.1, y + oh * 0.88, x + ow * 0.9, y + oh * 1.02), fill=(0, 0, 0, 40))
        canvas.alpha_composite(sh.filter(ImageFilter.GaussianBlur(4)))
    canvas.alpha_composite(obj, (x, y)) if (x >= 0 and y >= 0) else canvas.paste(obj, (x, y), obj)


def _price_text(rng: np.random.Generator) -> str:
    euros = int(rng.choice([4, 7, 9, 12, 14, 19, 24, 29, 34, 39, 49, 59, 79, 99, 129, 199]))
    cents = rng.choice(["99", "90", "50", "00", "95"])
    return f"{euros},{cents} €"


def _text_overlay(canvas: Image.Image, rng: np.random.Generator, title: str) -> None:
    d = ImageDraw.Draw(canvas)
    u = rng.random()
    if u < 0.5:
        txt = _price_text(rng)
    elif u < 0.8 or not title:
        txt = str(rng.choice(BRANDS))
    else:  # first word of the title, as printed on a package
        words = [w for w in title.split() if w.isalpha() and len(w) > 2]
        txt = (words[0] if words else str(rng.choice(BRANDS)))[:12].upper()
    size = int(rng.integers(16, 28))
    font = _text_font(size)
    bbox = d.textbbox((0, 0), txt, font=font)
    tw, th = bbox[2] - bbox[0], bbox[3] - bbox[1]
    x = int(rng.integers(4, max(5, SIZE - tw - 4)))
    y = int(rng.choice([int(rng.integers(4, 30)), int(rng.integers(SIZE - th - 30, SIZE - th - 4))]))
    if rng.random() < 0.55:  # label with a coloured box
        col = [(220, 30, 40), (20, 20, 20), (255, 200, 0), (0, 90, 180)][int(rng.integers(4))]
        d.rectangle((x - 4, y - 3 + bbox[1], x + tw + 4, y + th + 4 + bbox[1]), fill=col + (255,))
        fg = (20, 20, 20) if col == (255, 200, 0) else (255, 255, 255)
    else:
        fg = [(200, 20, 30), (30, 30, 30), (0, 70, 160)][int(rng.integers(3))]
    d.text((x, y), txt, font=font, fill=fg + (255,))


def render_image(code: int, rng: np.random.Generator, title: str = "", subject: dict | None = None) -> Image.Image:
    """Render a synthetic 256x256 RGB product photo.

    With ``subject`` (``{"glyph": ..., "symbol": ...}`` from the vocabulary), the picture shows
    that object, the one the title names, on a background that does not depend on the category;
    without it, an object typical of category ``code`` (older behaviour, kept for the contact sheet).
    """
    g = glyph(subject["glyph"]) if subject and subject.get("glyph") else None
    if g is None:
        return _render_category(code, rng, title)
    return _render_subject(code, g, rng, title)


def _render_subject(code: int, g: Image.Image, rng: np.random.Generator, title: str) -> Image.Image:
    """The titled object: alone, as a pair or as a lot, with the usual marketplace clutter."""
    _, generic_gl = _tables()
    low = title.lower()
    tint = NEUTRAL_TINTS[int(rng.integers(len(NEUTRAL_TINTS)))]
    canvas = _background(code, rng, False, tint=tint).convert("RGBA")
    shadow = rng.random() < 0.35
    if "lot" in low.split() or "lot de" in low or " x" in low and rng.random() < 0.5:
        layout = str(rng.choice(["grid", "stack", "pair"]))
    else:
        layout = "single" if rng.random() < 0.75 else str(rng.choice(["pair", "scene"]))
    if layout == "single":
        _place(canvas, g, rng, 0.4 + 0.5 * float(rng.beta(1.5, 2.0)), rng.uniform(-20, 20),
               allow_crop=rng.random() < 0.1, shadow=shadow)
    elif layout == "pair":
        s = rng.uniform(0.35, 0.55)
        cy = rng.uniform(100, 156)
        _place(canvas, g, rng, s, rng.uniform(-20, 20), center=(rng.uniform(62, 100), cy + rng.uniform(-20, 20)))
        _place(canvas, g, rng, s * rng.uniform(0.8, 1.1), rng.uniform(-20, 20),
               center=(rng.uniform(156, 194), cy + rng.uniform(-20, 20)))
    elif layout == "stack":
        n = int(rng.integers(2, 4))
        s = rng.uniform(0.4, 0.6)
        for i in range(n):
            _place(canvas, g, rng, s, rng.uniform(-12, 12),
                   center=(128 + rng.uniform(-30, 30), 90 + i * 35 + rng.uniform(-8, 8)))
    elif layout == "grid":
        s = rng.uniform(0.3, 0.42)
        for i in range(2):
            for j in range(2):
                _place(canvas, g, rng, s, rng.uniform(-15, 15),
                       center=(64 + 128 * i + rng.uniform(-8, 8), 64 + 128 * j + rng.uniform(-8, 8)))
    else:  # scene: the object large, a packaging box or bag beside it
        _place(canvas, g, rng, rng.uniform(0.55, 0.8), rng.uniform(-10, 10),
               center=(rng.uniform(100, 156), rng.uniform(96, 130)))
        _place(canvas, generic_gl[int(rng.integers(len(generic_gl)))], rng, rng.uniform(0.25, 0.35),
               rng.uniform(-20, 20), center=(float(rng.choice([60.0, 196.0])), rng.uniform(170, 205)))
    if "import" in low and rng.random() < 0.7:  # "[Import Anglais]": a flag on the box
        flag = {"anglais": "🇬🇧", "uk": "🇬🇧", "allemand": "🇩🇪", "italien": "🇮🇹", "espagnol": "🇪🇸",
                "usa": "🇺🇸", "japonais": "🇯🇵"}
        seq = next((f for k, f in flag.items() if k in low), "🇪🇺")
        b = glyph(seq)
        if b is not None:
            s = rng.uniform(0.18, 0.26)
            m = SIZE * s / 2 + 4
            _place(canvas, b, rng, s, rng.uniform(-10, 10),
                   center=(float(rng.choice([m, SIZE - m])), float(rng.choice([m, SIZE - m]))))
    if rng.random() < 0.1:  # generic distractor (price tag, bag)
        _place(canvas, generic_gl[int(rng.integers(len(generic_gl)))], rng, rng.uniform(0.16, 0.28), rng.uniform(-25, 25))
    if rng.random() < 0.3:
        _text_overlay(canvas, rng, title)
    img = canvas.convert("RGB")
    if rng.random() < 0.15:
        img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 1.3))))
    return img


def _render_category(code: int, rng: np.random.Generator, title: str = "") -> Image.Image:
    """An object typical of category ``code`` (used when the title names no picturable object)."""
    per_code, generic_gl = _tables()
    code = int(code)
    if code not in per_code:
        raise KeyError(f"unknown category code {code}")
    own = per_code[code]
    style = STYLE[code]

    # --- decide what the picture shows ------------------------------------
    generic = rng.random() < P_GENERIC
    if generic:
        if rng.random() < 0.55:
            main_pool = generic_gl                      # just a box / bag / tag
        else:
            main_pool = per_code[int(rng.choice(NEIGHBOURS[code]))]  # neighbour object
        layout = "single"
    else:
        main_pool = own
        layout = str(rng.choice(style["layouts"])) if rng.random() < 0.8 else "single"

    bg = _background(code, rng, generic)
    canvas = bg.convert("RGBA")
    shadow = rng.random() < 0.35

    def pick(pool):
        return pool[int(rng.integers(len(pool)))]

    if layout == "single":
        _place(canvas, pick(main_pool), rng, 0.35 + 0.55 * float(rng.beta(1.5, 2.0)),
               rng.uniform(-25, 25), allow_crop=rng.random() < 0.12, shadow=shadow)
    elif layout == "pair":
        a, b = pick(main_pool), pick(main_pool)
        s = rng.uniform(0.35, 0.55)
        cy = rng.uniform(100, 156)
        _place(canvas, a, rng, s, rng.uniform(-20, 20), center=(rng.uniform(62, 100), cy + rng.uniform(-20, 20)))
        _place(canvas, b, rng, s * rng.uniform(0.8, 1.1), rng.uniform(-20, 20),
               center=(rng.uniform(156, 194), cy + rng.uniform(-20, 20)))
    elif layout == "stack":  # overlapping copies of the same kind of object (pile of books)
        n = int(rng.integers(2, 4))
        s = rng.uniform(0.4, 0.6)
        for i in range(n):
            _place(canvas, pick(main_pool), rng, s, rng.uniform(-12, 12),
                   center=(128 + rng.uniform(-30, 30), 90 + i * 35 + rng.uniform(-8, 8)))
    elif layout == "fan":  # fanned sheets / cards
        n = int(rng.integers(3, 5))
        g = pick(main_pool)
        s = rng.uniform(0.4, 0.58)
        base = rng.uniform(-30, -10)
        for i in range(n):
            _place(canvas, g if rng.random() < 0.7 else pick(main_pool), rng, s,
                   base + i * rng.uniform(10, 18), center=(80 + i * 30, 128 + rng.uniform(-10, 10)))
    elif layout == "grid":  # several small items laid out (lot, set of pieces)
        n = int(rng.choice([2, 3])) if rng.random() < 0.5 else 2
        s = rng.uniform(0.28, 0.4)
        step = SIZE / n
        for i in range(n):
            for j in range(n if n == 2 else 2):
                _place(canvas, pick(main_pool), rng, s, rng.uniform(-15, 15),
                       center=(step * (i + 0.5) + rng.uniform(-8, 8),
                               (SIZE / 2) * (j + 0.5) + rng.uniform(-8, 8)))
    elif layout == "scene":  # a big object with a smaller companion in front
        _place(canvas, pick(main_pool), rng, rng.uniform(0.55, 0.85), rng.uniform(-10, 10),
               center=(rng.uniform(100, 156), rng.uniform(96, 130)))
        _place(canvas, pick(main_pool), rng, rng.uniform(0.28, 0.4), rng.uniform(-20, 20),
               center=(rng.choice([rng.uniform(50, 80), rng.uniform(176, 206)]), rng.uniform(170, 205)))

    # --- extras -----------------------------------------------------------
    if not generic and layout == "single" and rng.random() < 0.2:  # 1-2 extra objects
        for _ in range(int(rng.integers(1, 3))):
            _place(canvas, pick(own), rng, rng.uniform(0.2, 0.35), rng.uniform(-25, 25))
    if not generic and "badge" in style and rng.random() < 0.6:
        b = glyph(str(rng.choice(style["badge"])))
        if b is not None:
            s = rng.uniform(0.18, 0.26)
            m = SIZE * s / 2 + 4
            _place(canvas, b, rng, s, rng.uniform(-10, 10),
                   center=(float(rng.choice([m, SIZE - m])), float(rng.choice([m, SIZE - m]))))
    if rng.random() < 0.12:  # generic distractor (box, bag, tag)
        _place(canvas, pick(generic_gl), rng, rng.uniform(0.18, 0.32), rng.uniform(-25, 25))
    if rng.random() < 0.3:
        _text_overlay(canvas, rng, title)

    img = canvas.convert("RGB")
    if rng.random() < 0.15:
        img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 1.3))))
    return img


# --------------------------------------------------------------------------
def _jpeg_size(img: Image.Image, quality: int = 75) -> int:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.tell()


def main() -> None:  # pragma: no cover - manual check
    import time

    codes = list(EMOJI)
    for c, seqs in available_emoji().items():
        missing = [s for s in EMOJI[c] if s not in seqs]
        print(c, " ".join(seqs), ("MISSING: " + " ".join(missing)) if missing else "")
    rng = np.random.default_rng(0)
    _tables()
    t0 = time.perf_counter()
    sizes = []
    n = 400
    for i in range(n):
        sizes.append(_jpeg_size(render_image(codes[i % len(codes)], rng, "Produit exemple")))
    dt = (time.perf_counter() - t0) / n
    print(f"mean JPEG q75 bytes: {np.mean(sizes):.0f} (max {max(sizes)}), {dt * 1000:.1f} ms/render")

    cell = 128
    cols = 9
    rows = int(np.ceil(len(codes) * 2 / cols))
    sheet = Image.new("RGB", (cols * cell, rows * (cell + 14)), (255, 0, 255))
    d = ImageDraw.Draw(sheet)
    rng = np.random.default_rng(1)
    k = 0
    for c in codes:
        for _ in range(2):
            im = render_image(c, rng, "Produit exemple").resize((cell, cell))
            x, y = (k % cols) * cell, (k // cols) * (cell + 14)
            sheet.paste(im, (x, y + 14))
            d.rectangle((x, y, x + cell, y + 13), fill=(0, 0, 0))
            d.text((x + 2, y + 1), str(c), fill=(255, 255, 255))
            k += 1
    sheet.save("/tmp/contact.png")
    print("wrote /tmp/contact.png")


if __name__ == "__main__":
    main()
