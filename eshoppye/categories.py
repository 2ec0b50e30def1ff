"""The 27 product type codes of the Rakuten France catalogue and their French display names.

Names are display text from the original eShopPye demonstrator; codes are the truth.
``TRAIN_COUNT`` holds the class counts of the real challenge training set (84,916 rows).
"""

from __future__ import annotations

# code: (French display name, count in the real training set)
CATEGORIES: dict[int, tuple[str, int]] = {
    10: ('livres adulte', 3116),
    2280: ('magazines et journaux', 4760),
    50: ('accessoires de jeux vidéo', 1681),
    1280: ('jouets pour adolescents', 4870),
    2705: ('livres et illustrés', 2761),
    2522: ('papeterie', 4989),
    2582: ('mobilier et art de la table', 2589),
    1560: ('mobilier intérieur et literie', 5073),
    1281: ('jeux de société', 2070),
    1920: ('accessoires intérieur', 4303),
    2403: ('livres jeunesse', 4774),
    1140: ('goodies geek', 2671),
    2583: ('piscine et spa', 10209),
    1180: ('figurines et wargames', 764),
    1300: ('modèles réduits ou télécommandés', 5045),
    2462: ('jeux geek', 1421),
    1160: ('jeux de cartes', 3953),
    2060: ('décoration intérieure', 4993),
    40: ('jeux vidéo importés', 2508),
    60: ('rétrogaming', 832),
    1320: ('petite enfance', 3241),
    1302: ('jouets pour enfants', 2491),
    2220: ('animaux domestiques', 824),
    2905: ('jeux vidéo dématérialisés', 872),
    2585: ('jardin et bricolage', 2496),
    1940: ('nourriture et boisson', 803),
    1301: ('matériel pour enfant', 807),
}

CODES: tuple[int, ...] = tuple(sorted(CATEGORIES))
NAMES: dict[int, str] = {c: n for c, (n, _) in CATEGORIES.items()}
TRAIN_COUNT: dict[int, int] = {c: k for c, (_, k) in CATEGORIES.items()}


def name_of(code: int) -> str:
    """French display name of a code, or a placeholder for an unknown one."""
    return NAMES.get(int(code), f"code inconnu {code}")


def label(code: int) -> str:
    """``"2583 · piscine et spa"``: code and name for display."""
    return f"{int(code)} · {name_of(code)}"
