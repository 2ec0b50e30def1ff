"""Text preprocessing: HTML unescape and tag stripping, Unicode normalisation, case folding,
French stop words. Title (``designation``) and description are cleaned as separate fields."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

MAX_DESCRIPTION_CHARS = 5000  # longer descriptions are cut (a 20,000-char paste is not news)
MAX_TITLE_CHARS = 1000
#: Raw text beyond this is cut before any cleaning (every step below is linear in the rest).
MAX_RAW_CHARS = 200_000
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_RAW_OPEN_RE = re.compile(r"<(script|style)\b")
_TAG_RE = re.compile(r"<[a-zA-Z/!?][^<>]*>")

_SPACE_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"[0-9a-z]+(?:[.,][0-9]+)?", re.I)

# French (and a few English/German) function words that carry no category signal.
STOP_WORDS = frozenset("""
a au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui
ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta
te tes toi ton tu un une vos votre vous c d j l m n s t y est sont etre avoir ete plus tres
tout tous toute toutes sans sous chez entre ainsi aussi donc car si ni comme dont cela ca
the of and to in for with on by or an is are this that from at
der die das und mit fur von zu den dem ein eine
""".split())


def _remove_tags(text: str) -> str:
    """Replace every tag by a space, and ``<script>``/``<style>`` elements with their content.

    Linear time whatever the markup: script/style openings are found by one regex scan and their
    end by ``str.find`` (an unclosed one runs to the end of the text), and a tag is ``<`` then a
    letter, ``/``, ``!`` or ``?``, then no ``<`` or ``>`` up to ``>``: a failed match stops at the
    next ``<``, so no character is scanned twice. ``a < b > c`` stays text.
    """
    if "<" not in text:
        return text
    low = text.translate(_ASCII_LOWER)  # same length as text, for case-insensitive searches
    parts, i, n = [], 0, len(text)
    for m in _RAW_OPEN_RE.finditer(low):
        if m.start() < i:
            continue  # inside an element already removed
        parts.append(text[i:m.start()])
        parts.append(" ")
        close = low.find("</" + m.group(1), m.end())
        end = low.find(">", close) if close >= 0 else -1
        i = n if end < 0 else end + 1
        if i >= n:
            break
    parts.append(text[i:])
    return _TAG_RE.sub(" ", "".join(parts))


def strip_html(text: str) -> str:
    """Unescape HTML entities (twice, for double-escaped feeds) and remove tags, keeping text.

    The text is first cut at :data:`MAX_RAW_CHARS`; every step is linear in its length."""
    if not text:
        return ""
    text = str(text)[:MAX_RAW_CHARS]
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    text = _remove_tags(text)
    text = text.replace("\u00a0", " ")
    return _SPACE_RE.sub(" ", text).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str, max_chars: int = MAX_DESCRIPTION_CHARS) -> str:
    """Clean one field: HTML out, NFKC, case folding, accents removed, whitespace collapsed.

    The last few thousand short fields are remembered: the text models of one prediction
    (TF-IDF, Bi-LSTM) clean the same title and description."""
    if isinstance(text, str) and len(text) <= _MEMO_MAX_CHARS:
        return _normalize_memo(text, max_chars)
    return _normalize(text, max_chars)


_MEMO_MAX_CHARS = 2000  # longer fields are cleaned every time (memo: a few MB, 70 MB at worst)


@functools.lru_cache(maxsize=4096)
def _normalize_memo(text: str, max_chars: int) -> str:
    return _normalize(text, max_chars)


def _normalize(text: str, max_chars: int) -> str:
    text = strip_html(text[: max_chars * 20] if isinstance(text, str) else text)[:max_chars]
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE_RE.sub(" ", strip_accents(text)).strip()


def tokens(text: str, drop_stop_words: bool = True) -> list[str]:
    """Word tokens of an already normalised text."""
    toks = _TOKEN_RE.findall(text)
    if drop_stop_words:
        toks = [t for t in toks if t not in STOP_WORDS]
    return toks


def clean_title(text: str) -> str:
    return normalize(text, MAX_TITLE_CHARS)


def clean_description(text: str) -> str:
    return normalize(text, MAX_DESCRIPTION_CHARS)


def display_text(designation: str, description: str = "", max_chars: int = 600) -> str:
    """Readable title + description (accents kept, markup out) for people."""
    title = strip_html(designation)[:MAX_TITLE_CHARS]
    desc = strip_html(description)[:max_chars]
    return f"{title}. {desc}".strip(" .") if desc else title


def encoder_text(designation: str, description: str = "", max_chars: int = 120) -> str:
    """Input of the sentence encoders: :func:`display_text`, NFKC-normalised and lower-cased
    (accents kept), so that markup and capitals (ALL-CAPS titles are common) change nothing."""
    text = unicodedata.normalize("NFKC", display_text(designation, description, max_chars))
    return _SPACE_RE.sub(" ", text.lower()).strip()


def as_text(value) -> str:
    """Turn a cell (None, NaN, number, str) into a string."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value)
