"""French number formatting for everything a person reads (app pages, CLI tables).

One place decides how numbers look: a decimal comma, a narrow no-break space (U+202F) between
thousands and before ``%``, and ``n/a`` for a value that does not exist (a model that had nothing
to judge). Pure functions, no dependency; also provides Plotly's ``separators`` string so charts
drawn by Plotly (axes, hover texts) follow the same rules.
"""

from __future__ import annotations

import math
from typing import Any

NNBSP = "\u202f"  # narrow no-break space
NA = "n/a"
# Plotly layout ``separators``: decimal mark then thousands mark.
PLOTLY_SEPARATORS = "," + NNBSP


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def num(x: float | int | None, digits: int = 0, na: str = NA) -> str:
    """``1234.5`` -> ``1 234,5`` (``digits`` decimals, narrow spaces between thousands)."""
    if _missing(x):
        return na
    return f"{float(x):,.{digits}f}".replace(",", NNBSP).replace(".", ",")


def integer(x: float | int | None, na: str = NA) -> str:
    """``12345`` -> ``12 345``."""
    return na if _missing(x) else num(round(float(x)), 0)


def pct(x: float | None, digits: int = 1, na: str = NA) -> str:
    """A share in [0, 1] as a French percentage: ``0.429`` -> ``42,9 %`` (narrow space)."""
    return na if _missing(x) else num(100 * float(x), digits) + NNBSP + "%"


def score(x: float | None, digits: int = 3, na: str = NA) -> str:
    """A score in [0, 1] with a decimal comma: ``0.92`` -> ``0,920``."""
    return num(x, digits, na)


def seconds(s: float | None, na: str = NA) -> str:
    """A duration: ``0.0123`` -> ``12 ms``, ``3.46`` -> ``3,5 s``, ``125`` -> ``2 min 5 s``."""
    if _missing(s):
        return na
    s = float(s)
    if s < 1:
        return num(s * 1000, 0) + NNBSP + "ms"
    if s < 60:
        return num(s, 1) + NNBSP + "s"
    m, r = divmod(int(round(s)), 60)
    return f"{m}{NNBSP}min {r}{NNBSP}s" if r else f"{m}{NNBSP}min"


def megabytes(mb: float | None, na: str = NA) -> str:
    """A size in Mo with enough digits to never print 0,00 for a small file: ``0.004`` -> ``4 ko``."""
    if _missing(mb):
        return na
    mb = float(mb)
    if mb < 0.1:
        return num(mb * 1000, 0 if mb * 1000 >= 10 else 1) + NNBSP + "ko"
    return num(mb, 1 if mb < 100 else 0) + NNBSP + "Mo"


def grid(values, fn=None, **kwargs) -> list[list[str]]:
    """Every cell of a 2-D array formatted by ``fn`` (default :func:`pct`), as nested lists: the
    ``customdata`` of a Plotly heatmap, so that its hover reads ``42,9 %`` and not d3's ``42.9%``."""
    fn = fn or pct
    return [[fn(None if _missing(v) else float(v), **kwargs) for v in row] for row in values]
