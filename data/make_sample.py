#!/usr/bin/env python3
"""Deterministic generator of the synthetic eShopPye sample catalogue.

Writes ``data/sample/`` in exactly the file format of the Rakuten France challenge:
``X_train_update.csv``, ``Y_train_CVw08PX.csv``, ``X_test_update.csv`` and
``images/image_{train,test}/image_{imageid}_product_{productid}.jpg``, plus
``image_subjects.csv`` (what each picture depicts, and whether it is only a symbol).

Usage (from the repository root)::

    python3 data/make_sample.py            # writes data/sample/
    python3 data/make_sample.py --out DIR  # elsewhere

Everything is seeded: rerunning produces byte-identical CSVs (and images with the
same Pillow version).

This module holds only the mechanics. What the catalogue says (product types and the
glyph that pictures each, brands, sizes, title templates and patterns, descriptions,
how categories overlap) is data, in ``data/sample/vocabulary/*.yaml``; the grammar of
those files is documented in ``data/sample/README.md``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

DATA_DIR = Path(__file__).resolve().parent
ROOT = DATA_DIR.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DATA_DIR))

from eshoppye.categories import CODES, TRAIN_COUNT  # noqa: E402

try:  # the renderer needs Pillow and the Noto Color Emoji font
    from sample_images import render_image  # type: ignore  # noqa: E402
    _FALLBACK_IMAGES = False
except Exception:  # pragma: no cover - only while sample_images.py is missing
    from PIL import Image

    _FALLBACK_IMAGES = True

    def render_image(code, rng, title, subject=None):  # type: ignore[no-redef]
        c = tuple(int(v) for v in rng.integers(40, 230, size=3))
        return Image.new("RGB", (256, 256), c)

SEED = 20200
N_TRAIN_TARGET = 4000
N_TEST = 300
MIN_PER_CODE = 40
JPEG_QUALITY = 70  # 75 exceeded the 30 MB budget for data/sample (du -sh)
VOCAB_DIR = DATA_DIR / "sample" / "vocabulary"
TOP = 8  # the first TOP product types of a category are its best sellers, drawn more often


# ---------------------------------------------------------------------------
# Vocabulary (data files)
# ---------------------------------------------------------------------------
def _read_yaml(path: Path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_vocabulary(directory: Path = VOCAB_DIR) -> tuple[dict, dict[int, dict], dict]:
    """Named lists (``lists_*.yaml``), per-category vocabularies by code, marketplace rules."""
    lists: dict = {}
    for path in sorted(directory.glob("lists_*.yaml")):
        for name, items in (_read_yaml(path) or {}).items():
            if name in lists:
                raise ValueError(f"list {name!r} defined twice ({path.name})")
            lists[name] = items
    cats: dict[int, dict] = {}
    for path in sorted((directory / "categories").glob("*.yaml")):
        v = _read_yaml(path)
        v["_file"] = path.name
        cats[int(v["code"])] = v
    for v in cats.values():  # "@name": a named list used as it is
        for key, val in list(v.items()):
            if isinstance(val, str) and val.startswith("@"):
                v[key] = lists[val[1:]]
    market = _read_yaml(directory / "marketplace.yaml")
    return lists, cats, market


L, V, MARKET = load_vocabulary()
assert set(V) == set(CODES), sorted(set(CODES) ^ set(V))
GROUPS: dict[str, list[int]] = {g: [int(c) for c in cs] for g, cs in MARKET["groups"].items()}
GROUP_OF = {c: g for g, cs in GROUPS.items() for c in cs}
RELATED = {int(k): [int(c) for c in v] for k, v in MARKET["related"].items()}
BORROW = {int(k): float(v) for k, v in MARKET["borrow"].items()}
RATES = MARKET["rates"]
FORBIDDEN_TITLES = set(MARKET["forbidden_titles"])
FORBIDDEN_TITLES |= {t.lower() for t in FORBIDDEN_TITLES} | {t.upper() for t in FORBIDDEN_TITLES}
HOME_CODES = set(MARKET["material_in_description"])


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def pick(rng: np.random.Generator, seq):
    return seq[int(rng.integers(len(seq)))]


def fill_digits(rng: np.random.Generator, s: str) -> str:
    """Replace each ``#`` with a digit (first of a run never 0)."""
    out, prev = [], ""
    for ch in s:
        if ch == "#":
            out.append(str(int(rng.integers(1 if prev != "#" else 0, 10))))
        else:
            out.append(ch)
        prev = ch
    return "".join(out)


def item_text(item) -> str:
    """Text of a list item or product type (a string, or a mapping with ``t`` / ``name``)."""
    if isinstance(item, dict):
        return str(item.get("t", item.get("name", "")))
    return str(item)


_ELIDE = re.compile(r"\b([LlDd])[ea] (?=[aeiouyéèêâîôûAEIOUYÉÈÊÂÎÔÛ])|\b([Dd])u (?=[aeiouyéèêâîôûAEIOUYÉÈÊÂÎÔÛ])")


def elide(s: str) -> str:
    """French elision after a pattern is filled: ``la île`` -> ``l'île``, ``de Islande`` -> ``d'Islande``."""
    return _ELIDE.sub(lambda m: (m.group(1) + "'") if m.group(1) else (m.group(2) + "e l'"), s)


_REPEAT = re.compile(r"(?i)\b((?:[\w'.+-]+ ){0,3}[\w'.+-]+) \1\b")


def clean(s: str) -> str:
    s = re.sub(r"(?i)\blot de \d+ (lot de)", r"\1", s)
    # "Drone FPV FPV" -> "Drone FPV" (repeated words, not repeated numbers such as "1 1/2")
    s = _REPEAT.sub(lambda m: m.group(1) if re.search(r"[^\W\d_]", m.group(1)) else m.group(0), s)
    s = re.sub(r"\(\s*\)|\[\s*\]", "", s)
    s = s.replace(" ,", ",").replace(" .", ".")
    return " ".join(s.replace(" - -", " -").split()).strip(" -/,")


def vary_case(rng: np.random.Generator, s: str) -> str:
    """Sellers' casing habits: ALL CAPS, Title Case, lower case or as typed."""
    u = rng.random()
    c = RATES["case"]
    if u < c["upper"]:
        return s.upper()
    if u < c["upper"] + c["title"]:
        return " ".join(w[:1].upper() + w[1:] if w else w for w in s.split(" "))
    if u < c["upper"] + c["title"] + c["lower"]:
        return s.lower()
    return s


# ---------------------------------------------------------------------------
# Pattern expansion
# ---------------------------------------------------------------------------
def _split_top(body: str, sep: str = "|") -> list[str]:
    """Split on ``sep`` outside nested braces."""
    parts, depth, cur = [], 0, []
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _closing(text: str, i: int) -> int:
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise ValueError(f"unbalanced braces in {text!r}")


_RANGE = re.compile(r"(\d+)-(\d+)")
_DIGITS = re.compile(r"#+")
FIELDS = ("type", "brand", "attr", "attr2", "size", "ref", "color", "mat", "style", "lic", "char",
          "k", "n", "extra", "picture", "expansion")


class Title:
    """One listing being written: random state, bound fields and what the picture shows."""

    def __init__(self, code: int, rng: np.random.Generator):
        self.code, self.rng, self.v = code, rng, V[code]
        self.values: dict[str, str] = {}  # fields and lists already drawn ({$name} reuses them)
        self.subject: dict = {}  # glyph / symbol / name of the depicted object
        self.own: dict = {}  # the product type entry (its sizes, qualifiers, brands)

    # -- subject --------------------------------------------------------------
    def depict(self, entry) -> None:
        if isinstance(entry, dict) and entry.get("glyph"):
            self.subject = {"glyph": entry["glyph"], "symbol": bool(entry.get("symbol", False)),
                            "name": str(entry.get("depicts", entry.get("name", entry.get("t", ""))))}

    # -- product type and template fields -----------------------------------------
    def choose_type(self) -> None:
        types = self.v["types"]
        rng = self.rng
        t = pick(rng, types[:TOP] if rng.random() < 0.35 else types)
        self.own = t if isinstance(t, dict) else {"name": t}
        self.depict(t)
        name = item_text(t)
        if self.own.get("alt") and rng.random() < 0.3:
            name = pick(rng, self.own["alt"])
        self.values["type"] = name

    def field(self, name: str) -> str:
        if name in self.values:
            return self.values[name]
        rng, v, own = self.rng, self.v, self.own
        if name == "type":
            self.choose_type()
            return self.values["type"]
        if name == "size":
            if own.get("sizes") and rng.random() < 0.85:
                val = pick(rng, own["sizes"])
            elif not own.get("sizes") and rng.random() < 0.4:
                val = ""
            else:
                val = pick(rng, v.get("sizes", [""]))
            val = fill_digits(rng, item_text(val))
        elif name in ("attr", "attr2"):
            pool = own["attrs"] if own.get("attrs") and rng.random() < 0.85 else v.get("attrs", [""])
            val = item_text(pick(rng, pool))
            for _ in range(3):  # a second qualifier differs from the first and from the type
                if val.lower() not in (self.values.get("attr", "").lower(), self.values.get("type", "").lower()):
                    break
                val = item_text(pick(rng, pool))
        elif name == "brand":
            pool = own["brands"] if own.get("brands") and rng.random() < 0.9 else v.get("brands", [""])
            val = item_text(pick(rng, pool))
        elif name == "ref":
            val = fill_digits(rng, item_text(pick(rng, v.get("refs", ["####"]))))
        elif name == "lic":
            val = item_text(pick(rng, L["licences"]))
        elif name == "char":
            lic = self.field("lic")
            val = item_text(pick(rng, L["licence_characters"].get(lic, L["characters"])))
        elif name == "k":
            val = str(int(pick(rng, [2, 3, 4, 5, 6, 10, 12])))
        elif name == "n":
            val = str(int(rng.integers(1, 200)))
        else:  # lists named after the field
            listname = {"color": "colors", "mat": "materials", "style": "styles", "extra": "extra",
                        "picture": "puzzle_pictures", "expansion": "board_game_expansions"}[name]
            pool = v.get(listname) if listname in v else L[listname]
            item = pick(rng, pool)
            val = self.expand(item_text(item))
        self.values[name] = val
        return val

    # -- grammar ------------------------------------------------------------
    def lookup(self, name: str):
        v = self.v
        if name in v.get("lists", {}):
            return v["lists"][name]
        if name in ("brands", "attrs", "sizes", "extra", "refs") and name in v:
            return v[name]
        if name in L:
            return L[name]
        raise KeyError(f"{v['_file']}: unknown list or field {{{name}}}")

    def slot(self, body: str) -> str:
        alts = _split_top(body)
        if len(alts) > 1:
            return self.expand(pick(self.rng, alts))
        b = body.strip()
        if b in FIELDS:
            return self.field(b)
        if b.startswith("$"):
            return self.values.get(b[1:], "")
        if _DIGITS.fullmatch(b):
            return fill_digits(self.rng, b)
        m = _RANGE.fullmatch(b)
        if m:  # an integer in a range; "01-28" keeps two digits
            x = int(self.rng.integers(int(m.group(1)), int(m.group(2)) + 1))
            return str(x).zfill(len(m.group(1)) if m.group(1).startswith("0") else 0)
        item = pick(self.rng, self.lookup(b))
        self.depict(item)
        val = self.expand(item_text(item))
        self.values[b] = val
        return val

    def expand(self, text: str) -> str:
        out, i = [], 0
        while i < len(text):
            if text[i] == "{":
                j = _closing(text, i)
                out.append(self.slot(text[i + 1:j]))
                i = j + 1
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


# ---------------------------------------------------------------------------
# Titles and descriptions
# ---------------------------------------------------------------------------
def _weighted(rng: np.random.Generator, entries: list):
    w = np.array([float(e.get("weight", 1)) if isinstance(e, dict) else 1.0 for e in entries])
    return entries[int(rng.choice(len(entries), p=w / w.sum()))]


def write_title(code: int, rng: np.random.Generator) -> Title:
    """A listing title of ``code``: a product-type template or a free pattern."""
    v = V[code]
    t = Title(code, rng)
    patterns, templates = v.get("patterns", []), v.get("templates", [])
    share = float(v.get("pattern_share", 1.0 if not templates else 0.0))
    if patterns and (not templates or rng.random() < share):
        p = _weighted(rng, patterns)
        p = p if isinstance(p, dict) else {"t": p}
        t.depict(p)
        text = elide(t.expand(p["t"]))
    else:
        t.choose_type()
        text = t.expand(pick(rng, templates))
    t.text = clean(text)
    return t


def make_title(code: int, rng: np.random.Generator) -> Title:
    if code in RELATED and rng.random() < BORROW.get(code, RATES["borrow_default"]):
        # genuine overlap between neighbouring categories: a title typical of a related code
        code = int(pick(rng, RELATED[code]))
    t = write_title(code, rng)
    g = GROUP_OF.get(code)
    if g and rng.random() < RATES["ambiguous"]:  # deliberately ambiguous titles within a confusable group
        amb = pick(rng, MARKET["ambiguous_titles"][g])
        u = rng.random()
        if u < 0.35:
            t.text = item_text(amb)
            t.depict(amb)
        elif u < 0.7:
            t.text = f"{item_text(amb)} {pick(rng, t.text.split(' - ')).strip()}"
        else:
            t.text = f"{item_text(amb)} - {t.text}"
    if rng.random() < RATES["seller_suffix"]:
        t.text = f"{t.text} {pick(rng, MARKET['seller_suffixes'])}"
    t.text = clean(vary_case(rng, t.text))
    return t


_ENT = {"é": "&eacute;", "è": "&egrave;", "ê": "&ecirc;", "à": "&agrave;", "ç": "&ccedil;",
        "ô": "&ocirc;", "î": "&icirc;", "û": "&ucirc;", "'": "&#39;", "&": "&amp;", "°": "&deg;",
        "É": "&Eacute;", "ù": "&ugrave;", "â": "&acirc;", "œ": "&oelig;", "€": "&euro;", "²": "&sup2;"}


def html_escape_some(rng: np.random.Generator, s: str) -> str:
    if rng.random() < 0.5:
        return s
    return "".join(_ENT.get(ch, ch) for ch in s)


def make_description(t: Title, rng: np.random.Generator) -> str | None:
    code = t.code
    if rng.random() < float(V[code].get("missing_description", RATES["missing_description"])):
        return None
    v = V[code]
    pool = list(v["desc"])
    k = int(rng.integers(1, 4))
    idx = rng.permutation(len(pool))[:k]
    sents = [t.expand(item_text(pool[i])) for i in idx]
    if v.get("desc_patterns") and rng.random() < 0.6:
        sents.insert(0, elide(t.expand(item_text(pick(rng, v["desc_patterns"])))))
    f = t.values
    if "type" in f and rng.random() < 0.55:  # characteristics of the titled product
        spec = [("Type", f["type"]), ("Marque", f.get("brand") or t.field("brand")), ("Couleur", t.field("color")),
                ("Dimensions", f.get("size", "")), ("Matière", t.field("mat")), ("Caractéristique", f.get("attr", ""))]
        keep = [(a, b) for a, b in spec if b and rng.random() < 0.6 and (a != "Matière" or code in HOME_CODES)]
        if keep:
            sep = pick(rng, ["<br />", "<br>", " - ", " / ", "</li><li>"])
            head = pick(rng, ["Caractéristiques :", "<b>Caractéristiques</b>", "Descriptif :", "Fiche technique :", ""])
            block = sep.join(f"{a} : {b}" for a, b in keep)
            if sep == "</li><li>":
                block = f"<ul><li>{block}</li></ul>"
            sents.insert(0, f"{head}{sep if head and sep != '</li><li>' else ''}{block}")
    if rng.random() < 0.3:
        sents.insert(0, t.text + ".")
    if rng.random() < 0.25:
        sents.append(item_text(pick(rng, L["generic_desc"])))
    style = rng.random()
    if style < 0.25:
        body = " ".join(sents)
    elif style < 0.5:
        body = "<br />".join(sents) if rng.random() < 0.5 else "<br>".join(sents)
    elif style < 0.7:
        body = "".join(f"<p>{s}</p>" for s in sents)
    elif style < 0.85:
        body = f"<b>{sents[0]}</b><br />" + " ".join(sents[1:])
    else:
        cls = pick(rng, ["a-list-item", "description", "texte", "productDescription", "st"])
        body = "".join(f'<span class="{cls}">{s}</span><br>' for s in sents)
    body = html_escape_some(rng, body)
    if rng.random() < 0.15:
        body = body.replace(" ", "&nbsp;", 1 + int(rng.integers(3)))
    return body


# ---------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------
def class_counts(total: int = N_TRAIN_TARGET) -> dict[int, int]:
    tot = sum(TRAIN_COUNT.values())
    return {c: max(MIN_PER_CODE, int(round(TRAIN_COUNT[c] / tot * total))) for c in CODES}


def noisy_label(code: int, rng: np.random.Generator, protect: bool = False) -> int:
    """~3% of labels moved to a neighbouring code (or any code), like real catalogue errors."""
    if rng.random() >= RATES["label_noise"] or protect:  # codes at the 40-item floor keep their items
        return code
    g = GROUP_OF.get(code)
    if g and rng.random() < 0.7:
        others = [c for c in GROUPS[g] if c != code]
        return int(pick(rng, others))
    return int(pick(rng, [c for c in CODES if c != code]))


def unique_ids(rng: np.random.Generator, n: int, lo: int, hi: int) -> list[int]:
    seen: set[int] = set()
    out: list[int] = []
    while len(out) < n:
        for x in rng.integers(lo, hi, size=n * 2):
            x = int(x)
            if x not in seen:
                seen.add(x)
                out.append(x)
                if len(out) == n:
                    break
    return out


def build(out: Path, with_images: bool = True) -> None:
    rng = np.random.default_rng(SEED)
    counts = class_counts()
    true_codes = [c for c in CODES for _ in range(counts[c])]
    true_codes = [true_codes[i] for i in rng.permutation(len(true_codes))]
    test_weights = np.array([counts[c] for c in CODES], dtype=float)
    test_codes = [int(c) for c in rng.choice(CODES, size=N_TEST, p=test_weights / test_weights.sum())]
    n_all = len(true_codes) + N_TEST
    # productid: 9-10 digits (real range ~ 1e8..4.3e9); imageid: ~ 9.0e8..1.33e9
    pids = unique_ids(rng, n_all, 50_000_000, 4_300_000_000)
    iids = unique_ids(rng, n_all, 900_000_000, 1_330_000_000)
    pids = [p if p >= 100_000_000 else p + 100_000_000 for p in pids]
    assert len(set(pids)) == n_all
    text_rng = np.random.default_rng([SEED, 1])
    rows, labels, subjects, titles_seen = [], [], [], set()
    for i, code in enumerate(true_codes + test_codes):
        for _ in range(20):  # avoid exact duplicate titles when possible
            t = make_title(code, text_rng)
            if t.text not in titles_seen and t.text not in FORBIDDEN_TITLES:
                break
        titles_seen.add(t.text)
        d = make_description(t, text_rng)
        rows.append((t.text, d, pids[i], iids[i]))
        subjects.append(t.subject)
        if i < len(true_codes):
            labels.append(noisy_label(code, text_rng, protect=counts[code] <= MIN_PER_CODE))
    cols = ["designation", "description", "productid", "imageid"]
    n_tr = len(true_codes)
    X_tr = pd.DataFrame(rows[:n_tr], columns=cols)
    X_te = pd.DataFrame(rows[n_tr:], columns=cols, index=pd.RangeIndex(n_tr, n_all))
    Y_tr = pd.DataFrame({"prdtypecode": labels})
    out.mkdir(parents=True, exist_ok=True)
    X_tr.to_csv(out / "X_train_update.csv", lineterminator="\n")
    Y_tr.to_csv(out / "Y_train_CVw08PX.csv", lineterminator="\n")
    X_te.to_csv(out / "X_test_update.csv", lineterminator="\n")
    subj = pd.DataFrame({"imageid": iids[:n_all], "productid": pids[:n_all],
                         "split": ["train"] * n_tr + ["test"] * N_TEST,
                         "depicts": [s.get("name", "") for s in subjects],
                         "glyph": [s.get("glyph", "") for s in subjects],
                         "symbol": [int(bool(s.get("symbol", True))) for s in subjects]})
    subj.to_csv(out / "image_subjects.csv", index=False, lineterminator="\n")
    if not with_images:
        return
    all_codes = true_codes + test_codes
    for sub, lo, hi in (("image_train", 0, n_tr), ("image_test", n_tr, n_all)):
        d = out / "images" / sub
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for i in range(lo, hi):
            t_text, _, pid, iid = rows[i]
            img_rng = np.random.default_rng([SEED, 2, int(iid)])
            img = render_image(int(all_codes[i]), img_rng, t_text, subjects[i] or None).convert("RGB")
            img.save(d / f"image_{iid}_product_{pid}.jpg", "JPEG", quality=JPEG_QUALITY, optimize=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DATA_DIR / "sample")
    ap.add_argument("--no-images", action="store_true", help="write only the CSVs")
    a = ap.parse_args(argv)
    if _FALLBACK_IMAGES:
        print("warning: sample_images.py not found, using flat-colour fallback images", file=sys.stderr)
    build(a.out, with_images=not a.no_images)
    print(f"written to {a.out}")


if __name__ == "__main__":
    main()
