#!/usr/bin/env python3
"""Deterministic generator of the synthetic eShopPye sample catalogue.

Writes ``data/sample/`` in exactly the file format of the Rakuten France challenge:
``X_train_update.csv``, ``Y_train_CVw08PX.csv``, ``X_test_update.csv`` and
``images/image_{train,test}/image_{imageid}_product_{productid}.jpg``.

Usage (from the repository root)::

    python3 data/make_sample.py            # writes data/sample/
    python3 data/make_sample.py --out DIR  # elsewhere

Everything is seeded: rerunning produces byte-identical CSVs (and images with the
same Pillow version).

This module holds only the mechanics. What the catalogue says (product types, brands,
sizes, title templates, descriptions, how categories overlap) is data, in
``data/sample/vocabulary/*.yaml`` (documented in ``data/sample/README.md``).
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

try:  # image module written separately; flat-colour fallback until it exists
    from sample_images import render_image  # type: ignore  # noqa: E402
    _FALLBACK_IMAGES = False
except Exception:  # pragma: no cover - only while sample_images.py is missing
    from PIL import Image

    _FALLBACK_IMAGES = True

    def render_image(code, rng, title):  # type: ignore[no-redef]
        c = tuple(int(v) for v in rng.integers(40, 230, size=3))
        return Image.new("RGB", (256, 256), c)

SEED = 20200
N_TRAIN_TARGET = 4000
N_TEST = 300
MIN_PER_CODE = 40
MISSING_DESC = 0.35
LABEL_NOISE = 0.03
JPEG_QUALITY = 70  # 75 exceeded the 30 MB budget for data/sample (du -sh)

VOCAB_DIR = DATA_DIR / "sample" / "vocabulary"


# ---------------------------------------------------------------------------
# Vocabulary (data files)
# ---------------------------------------------------------------------------
class Lists(dict):
    """Named lists of the vocabulary files, also readable as attributes (``L.publishers``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _read_yaml(path: Path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_vocabulary(directory: Path = VOCAB_DIR) -> tuple[Lists, dict[int, dict], dict]:
    """Shared named lists, per-category vocabularies (by code) and marketplace rules."""
    lists = Lists()
    for name in ("shared.yaml", "lists_books.yaml", "lists_games.yaml"):
        lists.update(_read_yaml(directory / name))
    lists["classics"] = [tuple(x) for x in lists["classics"]]
    cats: dict[int, dict] = {}
    for path in sorted((directory / "categories").glob("*.yaml")):
        v = _read_yaml(path)
        cats[int(v["code"])] = v
    market = _read_yaml(directory / "marketplace.yaml")
    return lists, cats, market


L, V, MARKET = load_vocabulary()
assert set(V) == set(CODES), sorted(set(CODES) ^ set(V))

COLORS, MATERIALS_HOME, STYLES = L.colors, L.materials, L.styles
LICENCES, CHARS, LIC_CHARS = L.licences, L.characters, L.licence_characters
PAYSAGES, EXTS, GENERIC_DESC = L.puzzle_pictures, L.board_game_expansions, L.generic_desc
AMBIGUOUS: dict[str, list[str]] = MARKET["ambiguous_titles"]
GROUPS: dict[str, list[int]] = {g: [int(c) for c in cs] for g, cs in MARKET["groups"].items()}
GROUP_OF = {c: g for g, cs in GROUPS.items() for c in cs}
RELATED = {int(k): [int(c) for c in v] for k, v in MARKET["related"].items()}
BORROW_DEFAULT = float(MARKET["borrow_default"])
BORROW = {int(k): float(v) for k, v in MARKET["borrow"].items()}
EN_TITLES = {c: v["english_templates"] for c, v in V.items() if v.get("english_templates")}
FORBIDDEN_TITLES = set(MARKET["forbidden_titles"])
FORBIDDEN_TITLES |= {t.lower() for t in FORBIDDEN_TITLES} | {t.upper() for t in FORBIDDEN_TITLES}

# ---------------------------------------------------------------------------
# Special title generators (structure in code, words from the vocabulary lists)
# ---------------------------------------------------------------------------

def _author(rng):  # noqa: D103
    return f"{pick(rng, L.first_names)} {pick(rng, L.last_names)}"


def _novel_title(rng):
    u = rng.random()
    n, n2, m, a = pick(rng, L.nouns_f), pick(rng, L.nouns_f), pick(rng, L.nouns_m), pick(rng, L.adjectives)
    fa = a if a.endswith("e") else (a[:-3] + "ère" if a.endswith("ier") else a + "e")
    la = "L'" if n[0] in "aeéiouh" else "La "
    le = "L'" if m[0] in "aeéiouh" else "Le "
    forms = [f"{la}{n} {fa}", f"{le}{m} de la {n2}", f"Les Enfants de la {n}", f"Le {m} {a}", f"Le {m} des {pick(rng, ['ombres', 'oubliés', 'anges', 'loups', 'jours heureux'])}",
             f"Au-delà de la {n}", f"{la}{n} et le {m}", f"Le Dernier {m}", f"Une {n} {fa}", f"Retour à la {n}",
             f"Chroniques de la {n}", f"Le Temps de la {n}", f"Un {m} {a}", f"{pick(rng, L.first_names)} ou le {m} {a}"]
    t = pick(rng, forms)
    return t[0].upper() + t[1:] if u < 0.7 else t.title()


def _notizbuch(rng):
    name = pick(rng, ["Olivia", "Emma", "Lukas", "Mia", "Leon", "Hannah", "Felix", "Sophie", "Jonas", "Lena", "Paul", "Marie"])
    design = pick(rng, ["Rosen", "Blumen", "Einhorn", "Marmor", "Aquarell", "Vintage", "Herz", "Katzen", "Sterne", "Mandala"])
    kind = pick(rng, ["Punktraster", "Liniert", "Kariert", "Blanko"])
    pages = pick(rng, ["120", "150", "100", "200"])
    return f"{name}: Personalisiertes Notizbuch / {pages} Seiten / {kind} / Ca Din A5 / {design}-Design"


def _book10(rng):
    u = rng.random()
    if u < 0.28:
        t, a = pick(rng, L.classics)
    else:
        t, a = _novel_title(rng), _author(rng)
    ed = pick(rng, L.publishers)
    yr = int(rng.integers(1920, 2020))
    v = rng.random()
    if u > 0.93:
        return _notizbuch(rng)
    if v < 0.35:
        return f"{t} - {a}"
    if v < 0.55:
        return f"{a} - {t} - {ed} {yr}"
    if v < 0.7:
        return f"{t}"
    if v < 0.8:
        return f"{t} ({ed}, {yr})"
    if v < 0.9:
        return f"{t} - Roman - {pick(rng, ['Occasion', 'Bon État', 'Poche', 'Broché', 'Relié', 'Edition originale'])}"
    return f"{a.split()[-1].upper()} {a.split()[0]} - {t}"


def _book_dgen(rng):
    parts = [f"Auteur : {_author(rng)}", f"Éditeur : {pick(rng, L.publishers)}", f"Année : {int(rng.integers(1930, 2020))}",
             f"Nombre de pages : {int(rng.integers(60, 900))}", f"Format : {pick(rng, ['Broché', 'Poche', 'Relié', 'Cartonné'])}"]
    k = int(rng.integers(2, 5))
    return " - ".join(parts[:k])


def _book2705(rng):
    u = rng.random()
    yr = int(rng.integers(1950, 2021))
    if u < 0.2:
        return f"{pick(rng, ['Guide du Routard', 'Guide Vert Michelin', 'Lonely Planet', 'Le Petit Futé', 'Guide Evasion'])} {pick(rng, L.guide_subjects)} {max(yr, 1995)}"
    if u < 0.45:
        return f"{pick(rng, L.beaux_livres)}{pick(rng, ['', ' - ' + pick(rng, L.publishers), ' - ' + _author(rng), ' - Illustré', ' - Beau Livre'])}"
    if u < 0.6:
        return f"{pick(rng, ['Cuisine', 'Recettes', 'Desserts', 'Cuisine végétarienne', 'Pâtisserie', 'Cuisine du monde', 'Apéritifs'])} {pick(rng, ['facile', 'de saison', 'en 30 minutes', 'pour tous', 'de chef', 'du terroir'])} - {pick(rng, ['Marabout', 'Larousse', 'Solar', 'Hachette Pratique', 'First', 'Mango'])}"
    if u < 0.78:
        subj = pick(rng, ["Histoire de la Bretagne", "La Révolution Française", "Les Vikings", "La Seconde Guerre mondiale",
                          "Les Celtes", "L'Empire romain", "La Résistance", "Le Moyen Âge", "Les Croisades", "L'Art gothique",
                          "La Photographie", "L'Architecture moderne", "Le Jazz", "La Bible illustrée", "Le Corps Humain"])
        return f"{subj}{pick(rng, ['', ' - ' + _author(rng), ' (' + pick(rng, L.publishers) + ', ' + str(yr) + ')', ' - Tome 1', ' Illustrée'])}"
    if u < 0.9:
        t, a = _novel_title(rng), _author(rng)
        return f"{t} - {a}" if rng.random() < 0.5 else t
    return f"{pick(rng, ['Méthode', 'Manuel', 'Cahier', 'Annales', 'Précis'])} de {pick(rng, ['Droit civil', 'Mathématiques', 'Anglais', 'Comptabilité', 'Physique', 'Code de la route', 'Philosophie', 'Économie'])} {yr}"


def _book2403(rng):
    u = rng.random()
    n = int(rng.integers(1, 90))
    if u < 0.35:
        s = pick(rng, L.bd_series)
        return pick(rng, [f"{s} Tome {n}", f"{s} - Tome {n} - {_novel_title(rng)}", f"{s} Vol. {n}", f"{s} T{n}",
                          f"Lot {s} tomes 1 à {n % 20 + 3}", f"{s} N° {n} - Edition originale"])
    if u < 0.65:
        s = pick(rng, L.jeunesse_series)
        return pick(rng, [f"{s} - {_novel_title(rng)}", f"{s}", f"{s} - Tome {n}",
                          f"{s} {pick(rng, ['- Bibliothèque Rose', '- Bibliothèque Verte', '- Folio Junior', '- Père Castor', '- Album', '- Livre cartonné', '- Hachette Jeunesse'])}"])
    if u < 0.82:
        return f"Lot de {int(rng.integers(3, 30))} {pick(rng, ['livres enfant', 'livres jeunesse', 'BD', 'mangas', 'albums', 'livres Bibliothèque Rose', 'Chair de Poule', 'livres 3-6 ans', 'romans ado'])}"
    if u < 0.92:
        return f"{pick(rng, ['Mon premier imagier', 'Cahier de vacances', 'Livre sonore', 'Mon livre de coloriage', 'Livre puzzle', 'Mes contes préférés', 'Livre à toucher', 'Documentaire junior'])} {pick(rng, ['- ' + pick(rng, ['Nathan', 'Gallimard Jeunesse', 'Fleurus', 'Usborne', 'Milan', 'Bayard', 'Auzou', 'Hachette Jeunesse']), 'dès 3 ans', '- 2-4 ans', 'CP', 'CE1'])}"
    ed = pick(rng, ['Roman jeunesse', 'Folio Junior', 'Pocket Jeunesse', "L'École des Loisirs", 'Casterman', 'Dargaud', 'Glénat', 'Kana', 'Dupuis'])
    return f"{_novel_title(rng)} - {_author(rng)} - {ed}"


def _mag(rng):
    m = pick(rng, L.top_magazines if rng.random() < 0.45 else L.magazines)
    n = int(rng.integers(1, 3800))
    d = f"{int(rng.integers(1, 29)):02d}/{int(rng.integers(1, 13)):02d}/{int(rng.integers(1950, 2019))}"
    s = pick(rng, L.magazine_subjects)
    u = rng.random()
    if u < 0.08:
        sub = pick(rng, ["L'art Et Son Marche", "Les Ventes Aux Encheres", "Le Marche De L'art", "Expositions"])
        return f"Journal Des Arts (Le) N° {n % 400 + 1} Du {d} - {sub}"
    if u < 0.4:
        return f"{m} N° {n} Du {d} - {s} - {pick(rng, L.magazine_subjects)}"
    if u < 0.6:
        return f"{m} N° {n} Du {d}"
    if u < 0.72:
        return f"{m} N° {n} : {s}"
    if u < 0.82:
        return f"{m} {pick(rng, ['Hors-Série', 'HS', 'Spécial'])} N° {n % 150 + 1} - {s}"
    if u < 0.9:
        return f"Lot de {int(rng.integers(2, 40))} {pick(rng, ['revues', 'magazines', 'numéros'])} {m} {pick(rng, ['années 70', 'années 80', '1995-1998', 'anciens', ''])}"
    return f"{m} {pick(rng, ['Janvier', 'Février', 'Mars', 'Avril', 'Mai', 'Juin', 'Juillet', 'Août', 'Septembre', 'Octobre', 'Novembre', 'Décembre'])} {int(rng.integers(1960, 2019))} - {s}"


def _mag_dgen(rng):
    return f"{pick(rng, L.magazine_subjects)} - {pick(rng, L.magazine_subjects)} - {pick(rng, ['Reportage', 'Interview', 'Dossier', 'Portrait', 'Enquête'])} : {pick(rng, L.nouns_f)} {pick(rng, L.adjectives)}"


def _game40(rng):
    g, p = pick(rng, L.games_en), pick(rng, L.platforms[:9])
    ed = pick(rng, L.editions)
    imp = pick(rng, ["[Import Anglais]", "[Import Anglais]", "[Import Allemand]", "[Import Italien]", "[Import Espagnol]",
                     "(Import UK)", "(UK Import)", "[Import Anglais] [Jeu " + p + "]", "[import anglais]"])
    u = rng.random()
    if u < 0.45:
        return f"{g}{ed} ({p}) {imp}"
    if u < 0.65:
        return f"{g}{ed} {L.platform_tags[p]} {imp}"
    if u < 0.8:
        return f"{g} - {p} {imp}"
    if u < 0.9:
        return f"{g}{ed} ({p})"
    return f"{g} {L.platform_tags[p]}"


def _game2905(rng):
    g = pick(rng, L.games_en + ["Sid Meier's Civilization VI", "Anno 1800", "Cities: Skylines", "Euro Truck Simulator 2",
                              "Farming Simulator 19", "Age of Empires II HD", "Stellaris", "Total War: Warhammer II",
                              "Planet Coaster",
                              "Football Manager 2019", "Cuphead", "Hollow Knight", "Stardew Valley", "Ark: Survival Evolved",
                              "Microsoft Flight Simulator X", "The Crew 2", "Anthem", "Jurassic World Evolution"])
    dlc = pick(rng, ["", "", "", " - Season Pass", " - DLC", " - Extension", " - Pack", " Deluxe Edition", " - 1000 Points", " - Expansion Pass"])
    tag = pick(rng, ["Jeu PC à télécharger", "Jeu En Téléchargement", "[Code Jeu PC - Steam]", "Clé Steam", "[Code Jeu - Uplay]",
                     "Code de téléchargement", "Version digitale", "[PC Code - Steam]", "Jeu PC / Mac à télécharger",
                     "[Code Jeu PC - Origin]", "Jeu PC Téléchargement", "[Téléchargement]", "- Steam Key",
                     "Code Jeu PC Dématérialisé",
                     "[Code Jeu Xbox One - Xbox Live]", "[Code PSN - PS4]", "Carte Prépayée"])
    u = rng.random()
    if u < 0.7:
        return f"{g}{dlc} {tag}"
    if u < 0.85:
        return f"{g}{dlc} - {tag}"
    return f"{tag} - {g}{dlc}"


def _retro60(rng):
    c, g = pick(rng, L.retro_consoles), pick(rng, L.retro_games)
    u = rng.random()
    if u < 0.25:
        return f"Console {c} {pick(rng, L.colors[:6] + ['', '', 'Pal', 'Complète En Boite', 'Occasion', 'Très bon état', 'Fonctionnelle'])}"
    if u < 0.4:
        return f"Console {c} + {int(rng.integers(1, 4))} manette{'s' if rng.random() < 0.6 else ''} + {int(rng.integers(1, 12))} jeux"
    if u < 0.6:
        return f"{pick(rng, ['Cartouche', 'Jeu', 'Jeu en boite', 'Cartouche seule'])} {c} - {g} {pick(rng, ['', 'Pal Fr', 'Fah', 'loose', 'complet', 'avec notice'])}"
    if u < 0.75:
        return f"Mini Console Rétro {pick(rng, ['620', '400', '500', '821', '168', '30'])} Jeux {pick(rng, ['Intégrés', 'Classiques', 'Portable', 'HDMI', '8 bits', '16 bits'])}"
    if u < 0.87:
        return f"{pick(rng, ['Console Portable', 'Console de jeux vidéo rétro', 'Console Rétro', 'Retro Console'])} {pick(rng, ['Écran 3 Pouces', 'HDMI', 'Double Manette', '4K', 'Pocket'])} {pick(rng, ['Noir', 'Rouge', 'Jaune', 'Blanc'])}"
    return f"{c} {pick(rng, ['Console', 'Pack', 'Edition Limitée', 'Boîte + Notice', 'Rétrogaming', 'Vintage'])} {pick(rng, ['', g])}"


def _geek2462(rng):
    g, p = pick(rng, L.fr_games), pick(rng, ["PS2", "PS3", "Wii", "Xbox 360", "DS", "PSP", "PS4", "3DS", "Xbox", "GameCube"])
    u = rng.random()
    if u < 0.3:
        return f"Jeu {p} {g} {pick(rng, ['', 'Occasion', 'Complet', 'Pal Fr', 'Sans Notice', 'Très bon état', 'Version Française'])}"
    if u < 0.5:
        return f"Lot {int(rng.integers(2, 20))} jeux {p} {pick(rng, ['', 'dont ' + g, 'Occasion', 'en boite', 'enfants'])}"
    if u < 0.68:
        return f"Console {p} {pick(rng, ['Slim', 'Fat', 'Lite', 'Pro', '', '500 Go', '320 Go', '1 To'])} + {int(rng.integers(1, 10))} jeux {pick(rng, ['+ manette', '', '+ 2 manettes', '+ câbles'])}"
    if u < 0.82:
        return f"{g} - {p} {pick(rng, ['- Occasion', '(Version Française)', '', 'Pal', '- Complet'])}"
    if u < 0.92:
        return f"{g} {L.platform_tags.get(p, '[Jeu ' + p + ']')}"
    return f"{pick(rng, ['Skylanders', 'Amiibo', 'Disney Infinity', 'Lego Dimensions'])} {pick(rng, ['Starter Pack', 'Figurine', 'Pack Aventure', 'Personnage'])} {p}"


def _model1300(rng):
    """Drones, RC vehicles, plastic kits, die-cast miniatures and model trains."""
    u = rng.random()
    col = pick(rng, L.colors)
    if u < 0.2:
        b = pick(rng, ["DJI", "Parrot", "Syma", "Hubsan", "Eachine", "Potensic", "Holy Stone", "Xiaomi Fimi"])
        m = pick(rng, ["Mavic Pro", "Mavic Air 2", "Spark", "Mini 2", "Phantom 4 Pro", "Bebop 2", "Anafi", "X5C", "Zino H117S", "E58", "X8 SE"])
        return pick(rng, [f"Drone {b} {m} {pick(rng, ['Caméra 4K', 'Fly More Combo', 'HD', 'FPV', 'GPS', ''])}",
                          f"{b} {m} - Drone avec caméra {pick(rng, ['4K', '1080p', 'HD'])} {pick(rng, ['pliable', 'GPS', ''])}",
                          f"{pick(rng, ['Batterie', 'Hélices', 'Sacoche', 'Chargeur', 'Protections d’hélices'])} pour drone {b} {m}",
                          f"Quadricoptère {pick(rng, ['RC', 'FPV', 'de course', 'mini'])} {pick(rng, ['2,4 GHz', '6 axes', 'caméra HD'])} {col}"])
    if u < 0.42:
        b = pick(rng, ["Traxxas", "HPI Racing", "Kyosho", "Carson", "T2M", "Hobbytech", "Team Associated", "Tamiya", "Wltoys", "Axial", "FTX"])
        kind = pick(rng, ["Buggy", "Truggy", "Monster Truck", "Crawler", "Short Course", "Voiture de Rallye", "Touring", "Drift Car"])
        return pick(rng, [f"{b} {kind} {pick(rng, ['1/10', '1/8', '1/16', '1/18', '1/24'])} {pick(rng, ['4WD', '2WD', 'Brushless', 'RTR', 'thermique', 'électrique'])} {pick(rng, ['RTR', '2,4 GHz', ''])}",
                          f"Voiture radiocommandée {kind} {pick(rng, ['1/10', '1/12', '1/16', '1/18'])} {pick(rng, ['45 km/h', '60 km/h', '35 km/h', '4x4', 'tout-terrain'])} {col}",
                          f"{pick(rng, ['Batterie LiPo', 'Servo', 'Moteur brushless', 'Variateur', 'Pneus', 'Carrosserie', 'Radiocommande', 'Amortisseurs'])} {pick(rng, ['3S 5000 mAh', '2S 7,4V', '1/10', '1/8', '2,4 GHz', '3 voies'])} {b}",
                          f"{pick(rng, ['Hélicoptère RC', 'Avion RC', 'Bateau RC', 'Planeur RC', 'Pelleteuse RC', 'Tank RC', 'Camion RC'])} {pick(rng, ['3,5 voies', '4 voies', 'RTF', 'PNP', '2,4 GHz', '1/16', 'électrique'])} {pick(rng, [b, 'Carson', 'FMS', 'E-flite', 'Syma', 'Jamara'])}"])
    if u < 0.65:
        b = pick(rng, ["Revell", "Tamiya", "Airfix", "Heller", "Italeri", "Academy", "Hasegawa", "Trumpeter", "Zvezda", "Eduard", "Dragon"])
        sub = pick(rng, ["Spitfire Mk.IX", "Rafale C", "Mirage 2000", "Messerschmitt Bf 109", "P-51 Mustang", "Tigre I", "Panzer IV", "Sherman M4",
                         "Bismarck", "Titanic", "Porte-avions Charles de Gaulle", "Porsche 911", "Ferrari F40",
                         "Citroën 2CV", "Jeep Willys",
                         "Concorde", "Airbus A380", "Hélicoptère Puma", "Belem", "Victory", "Saturn V", "Alpine A110"])
        sc = pick(rng, ["1/72", "1/48", "1/35", "1/24", "1/350", "1/400", "1/32", "1/144"])
        return pick(rng, [f"Maquette {sub} {sc} {b}", f"{b} {fill_digits(rng, '#####')} - {sub} - Maquette {sc}", f"{b} {sub} {sc} {pick(rng, ['Kit', 'Model Set', 'à monter', 'avec peintures'])}",
                          f"Maquette {pick(rng, ['avion', 'bateau', 'char', 'voiture', 'hélicoptère'])} {sub} échelle {sc}"])
    if u < 0.88:
        b = pick(rng, ["Norev", "Solido", "Burago", "Maisto", "Minichamps", "Universal Hobbies", "Ixo", "Spark", "Schuco", "Herpa", "Siku", "Majorette", "Altaya"])
        car = pick(rng, ["Peugeot 205 GTI", "Renault 5 Turbo", "Ferrari F40", "Porsche 911 Carrera", "Citroën DS 19", "Alpine A110", "Renault 4L",
                         "Lamborghini Countach", "Ford Mustang 1967", "Peugeot 404", "Simca 1000", "Mercedes 300 SL",
                         "Bugatti Chiron", "Tracteur John Deere",
                         "Camion Berliet", "Citroën Traction", "Renault Alpine A310", "Ford GT40", "Porsche 917K",
                         "Volkswagen Combi"])
        sc = pick(rng, ["1/43", "1/18", "1/24", "1/64", "1/12", "1/87"])
        return pick(rng, [f"{b} {car} {sc} {col}", f"Voiture miniature {car} {sc} {b}", f"{car} - {b} - {sc} - {pick(rng, ['Die-cast', 'en boîte', 'Collection', 'Édition limitée', ''])}",
                          f"Miniature {car} {sc} {pick(rng, ['', b])}"])
    b = pick(rng, ["Märklin", "Roco", "Jouef", "Hornby", "Piko", "Fleischmann", "LS Models", "Arnold", "Lima"])
    loco = pick(rng, ["BB 9004", "TGV Sud-Est", "CC 72000", "Micheline", "Locomotive vapeur 141 R", "BB 67400", "Autorail X 2800", "Wagon voyageurs", "Wagon citerne"])
    return pick(rng, [f"{b} {fill_digits(rng, '#####')} {loco} HO", f"Locomotive {loco} {b} échelle {pick(rng, ['HO', 'N', 'O'])} {pick(rng, ['DCC', 'analogique', 'digital'])}",
                      f"Coffret de départ train électrique {b} {pick(rng, ['HO', 'N'])}", f"Lot de rails {b} {pick(rng, ['HO', 'N'])} {pick(rng, ['C-Track', 'courbes', 'droits'])}"])


def _card1160(rng):
    u = rng.random()
    n, m = int(rng.integers(1, 200)), int(rng.integers(60, 220))
    if u < 0.35:
        p = pick(rng, L.pokemon)
        return pick(rng, [f"Carte Pokémon {p} {n}/{m} {pick(rng, ['Holo', 'Reverse', 'GX', 'EX', 'V', 'VMAX', 'Full Art', 'Rare', 'Commune'])} {pick(rng, L.pokemon_sets)}",
                          f"Pokémon - {p} {pick(rng, ['GX', 'EX', 'Holo'])} - {n}/{m} - {pick(rng, L.pokemon_sets)} - VF",
                          f"Lot de {int(rng.integers(10, 300))} cartes Pokémon {pick(rng, ['', 'dont Holo', 'sans double', 'françaises', 'rares'])}",
                          f"Booster Pokémon {pick(rng, L.pokemon_sets)} {pick(rng, ['', 'scellé', 'VF', 'Français'])}",
                          f"Coffret Pokémon {p} {pick(rng, ['GX', 'EX', 'V'])} {pick(rng, ['', 'Collection Premium', 'Dresseur d’Élite'])}",
                          f"Display 36 Boosters Pokémon {pick(rng, L.pokemon_sets)}"])
    if u < 0.55:
        y = pick(rng, L.yugioh)
        code = f"{pick(rng, ['LOB', 'SDK', 'MRD', 'DUPO', 'LEDU', 'CT13', 'SDMY', 'LDS1'])}-{pick(rng, ['FR', 'EN', ''])}{n:03d}"
        return pick(rng, [f"Yu-Gi-Oh! {y} {code} {pick(rng, ['Ultra Rare', 'Secret Rare', 'Super Rare', 'Commune', 'Rare'])}",
                          f"Carte Yu-Gi-Oh {y} {code}", f"Lot {int(rng.integers(20, 500))} cartes Yu-Gi-Oh {pick(rng, ['', 'rares', 'VF'])}",
                          f"Yu-Gi-Oh - Deck de Structure {pick(rng, ['Dinosmasher', 'Zombie', 'Lumière Sacrée', 'Cyberse'])}"])
    if u < 0.75:
        c = pick(rng, L.mtg)
        return pick(rng, [f"Magic The Gathering - {c} - {pick(rng, L.mtg_sets)} - {pick(rng, ['VO', 'VF', 'Foil', 'NM', 'Mythique', 'Rare'])}",
                          f"MTG {c} {pick(rng, L.mtg_sets)} {pick(rng, ['Foil', 'NM', 'EX'])}",
                          f"Booster Magic {pick(rng, L.mtg_sets)} {pick(rng, ['VF', 'VO', 'Draft', 'Collector'])}",
                          f"Deck Magic {pick(rng, ['Planeswalker', 'Commander', 'Duel Deck', 'Challenger'])} {pick(rng, L.mtg_sets)}"])
    if u < 0.87:
        return f"{pick(rng, ['Carte Panini', 'Sticker Panini', 'Carte Topps', 'Pochette Panini', 'Album Panini'])} {pick(rng, ['Foot 2019', 'Coupe du Monde 2018', 'Euro 2016', 'Ligue 1 2017-2018', 'Champions League', 'NBA 2018'])} {pick(rng, ['Mbappé', 'Griezmann', 'Messi', 'Ronaldo', 'Neymar', '', 'N° ' + str(n)])}"
    return pick(rng, [f"{pick(rng, ['Dragon Ball Super Card Game', 'Cartes Dragon Ball Z', 'Digimon Card Game', 'Naruto Kayou', 'One Piece Card Game', 'Star Wars Destiny', 'Carte Force Attax', 'Cartes Match Attax'])} {pick(rng, ['Booster', 'Starter Deck', 'Lot de 50', 'Carte Rare', 'Promo', 'Display'])}",
                      f"Protège-cartes {pick(rng, ['Ultra Pro', 'Dragon Shield', 'KMC'])} x{pick(rng, ['50', '60', '100'])} {pick(rng, L.colors)}",
                      f"Classeur {pick(rng, ['9 cases', '4 cases', 'Pokémon', 'Ultra Pro'])} pour cartes à collectionner"])


GENERATORS = {"book10": _book10, "book2705": _book2705, "book2403": _book2403, "magazine": _mag,
              "game_import": _game40, "game_download": _game2905, "retro": _retro60, "game_used": _geek2462,
              "model": _model1300, "card": _card1160, "book_details": _book_dgen, "magazine_details": _mag_dgen}
for _v in V.values():  # resolve generator names to functions
    if "generator" in _v:
        _v["gen"] = GENERATORS[_v["generator"]]
        _v["gen_share"] = float(_v.get("generator_share", 1.0))
    if "description_generator" in _v:
        _v["dgen"] = GENERATORS[_v["description_generator"]]

# ---------------------------------------------------------------------------
# Machinery
# ---------------------------------------------------------------------------
_ENT = {"é": "&eacute;", "è": "&egrave;", "ê": "&ecirc;", "à": "&agrave;", "ç": "&ccedil;",
        "ô": "&ocirc;", "î": "&icirc;", "û": "&ucirc;", "'": "&#39;", "&": "&amp;", "°": "&deg;",
        "É": "&Eacute;", "ù": "&ugrave;", "â": "&acirc;", "œ": "&oelig;"}


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


def vary_case(rng: np.random.Generator, s: str) -> str:
    u = rng.random()
    if u < 0.07:
        return s.upper()
    if u < 0.35:
        return " ".join(w[:1].upper() + w[1:] if w else w for w in s.split(" "))
    if u < 0.38:
        return s.lower()
    return s


def clean(s: str) -> str:
    s = re.sub(r"(?i)\blot de \d+ (lot de)", r"\1", s)
    return " ".join(s.replace(" - -", " -").split()).strip(" -")


def type_name(t) -> str:
    """Name of a product type entry (a plain string or a mapping with ``name``)."""
    return t["name"] if isinstance(t, dict) else t


TOP = 8  # the first TOP types of each list are the category's best sellers


def template_title(code: int, rng: np.random.Generator) -> str:
    v = V[code]
    tpl = pick(rng, v["templates"])
    ref = fill_digits(rng, pick(rng, v.get("refs", ["####"])))
    types = v["types"]
    # the first TOP types of each list are the category's best sellers: drawn more often
    typ = pick(rng, types[:TOP] if rng.random() < 0.35 else types)
    size = pick(rng, v["sizes"])
    attrs, brands = v["attrs"], v["brands"]
    if isinstance(typ, dict):  # a product type with its own sizes / qualifiers / brands (what fits it)
        own, typ = typ, typ["name"]
        if own.get("sizes") and rng.random() < 0.85:
            size = pick(rng, own["sizes"])
        if own.get("attrs") and rng.random() < 0.85:
            attrs = own["attrs"]
        if own.get("brands") and rng.random() < 0.9:
            brands = own["brands"]
    elif rng.random() < 0.4:
        size = ""
    lic = pick(rng, LICENCES)
    fields = dict(
        type=typ, brand=pick(rng, brands), attr=pick(rng, attrs),
        attr2=pick(rng, attrs), size=fill_digits(rng, size), ref=ref, lic=lic,
        char=pick(rng, LIC_CHARS.get(lic, CHARS)),
        color=pick(rng, COLORS), mat=pick(rng, MATERIALS_HOME), style=pick(rng, STYLES),
        k=int(pick(rng, [2, 3, 4, 5, 6, 10, 12])), n=int(rng.integers(1, 200)),
        extra=pick(rng, v.get("extra", [""])),
        paysage=pick(rng, PAYSAGES), ext=pick(rng, EXTS), type2=type_name(pick(rng, v['types'])),
    )
    _LAST.clear()
    _LAST.update(fields)
    return clean(tpl.format(**fields))


HOME_CODES = {1560, 1920, 2060, 2582, 1320}  # categories whose descriptions may state a material
_LAST: dict = {}  # fields of the last template title, reused by its description


def make_title(code: int, rng: np.random.Generator) -> str:
    if code in RELATED and rng.random() < BORROW.get(code, BORROW_DEFAULT):
        # genuine overlap between neighbouring categories: a title typical of a related code
        code = int(pick(rng, RELATED[code]))
    v = V[code]
    gen = v.get("gen")
    _LAST.clear()
    if gen is not None and rng.random() < v.get("gen_share", 1.0):
        t = gen(rng)
    else:
        t = template_title(code, rng)
        if code in EN_TITLES and rng.random() < 0.05:
            t = clean(pick(rng, EN_TITLES[code]).format(**_LAST))
    g = GROUP_OF.get(code)
    if g and rng.random() < 0.06:  # deliberately ambiguous titles within a confusable group
        amb = pick(rng, AMBIGUOUS[g])
        u = rng.random()
        if u < 0.35:
            t = amb
        elif u < 0.7:
            t = f"{amb} {pick(rng, t.split(' - ')).strip()}"
        else:
            t = f"{amb} - {t}"
    return clean(vary_case(rng, t))


def html_escape_some(rng: np.random.Generator, s: str) -> str:
    if rng.random() < 0.5:
        return s
    return "".join(_ENT.get(ch, ch) for ch in s)


def make_description(code: int, title: str, rng: np.random.Generator) -> str | None:
    if rng.random() < MISSING_DESC:
        return None
    v = V[code]
    pool = list(v["desc"])
    dgen = v.get("dgen")
    k = int(rng.integers(1, 4))
    idx = rng.permutation(len(pool))[:k]
    sents = [pool[i] for i in idx]
    if dgen is not None and rng.random() < 0.6:
        sents.insert(0, dgen(rng))
    f = dict(_LAST)
    if f and rng.random() < 0.55:  # characteristics of the titled product
        spec = [("Type", f["type"]), ("Marque", f["brand"]), ("Couleur", f["color"]), ("Dimensions", f["size"]),
                ("Matière", f["mat"]), ("Caractéristique", f["attr"])]
        keep = [(a, b) for a, b in spec if b and rng.random() < 0.6 and (a != "Matière" or code in HOME_CODES)]
        if keep:
            sep = pick(rng, ["<br />", "<br>", " - ", " / "])
            head = pick(rng, ["Caractéristiques :", "<b>Caractéristiques</b>", "Descriptif :", "Fiche technique :", ""])
            block = sep.join(f"{a} : {b}" for a, b in keep)
            sents.insert(0, f"{head}{sep if head else ''}{block}")
    elif f and rng.random() < 0.4:
        sents.insert(0, f"{f['type']} {f['brand']} {f['attr']}.")
    if rng.random() < 0.3:
        sents.insert(0, title + ".")
    if rng.random() < 0.25:
        sents.append(pick(rng, GENERIC_DESC))
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


def class_counts(total: int = N_TRAIN_TARGET) -> dict[int, int]:
    tot = sum(TRAIN_COUNT.values())
    return {c: max(MIN_PER_CODE, int(round(TRAIN_COUNT[c] / tot * total))) for c in CODES}


def noisy_label(code: int, rng: np.random.Generator, protect: bool = False) -> int:
    """~3% of labels moved to a neighbouring code (or any code), like real catalogue errors."""
    if rng.random() >= LABEL_NOISE or protect:  # protected: codes at the 40-item floor keep all their items
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
    rows, labels, titles_seen = [], [], set()
    for i, code in enumerate(true_codes + test_codes):
        for _ in range(20):  # avoid exact duplicate titles when possible
            t = make_title(code, text_rng)
            if t not in titles_seen and t not in FORBIDDEN_TITLES:
                break
        titles_seen.add(t)
        d = make_description(code, t, text_rng)
        rows.append((t, d, pids[i], iids[i]))
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
    if not with_images:
        return
    for sub, X, codes in (("image_train", X_tr, true_codes), ("image_test", X_te, test_codes)):
        d = out / "images" / sub
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for (t, pid, iid), code in zip(X[["designation", "productid", "imageid"]].itertuples(index=False), codes):
            img_rng = np.random.default_rng([SEED, 2, int(iid)])
            img = render_image(int(code), img_rng, t).convert("RGB")
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
