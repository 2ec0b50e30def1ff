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
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

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

# ---------------------------------------------------------------------------
# Shared vocabulary
# ---------------------------------------------------------------------------
COLORS = ["Noir", "Blanc", "Gris", "Rouge", "Bleu", "Vert", "Rose", "Beige", "Marron", "Jaune",
          "Orange", "Violet", "Bleu Marine", "Gris Anthracite", "Taupe", "Argent", "Doré",
          "Naturel", "Multicolore", "Turquoise", "Ivoire", "Bordeaux", "Kaki", "Noir Mat"]
MATERIALS_HOME = ["Bois Massif", "Chêne", "Pin", "Hêtre", "Métal", "Acier", "Verre", "Velours",
                  "Tissu", "Lin", "Coton", "Rotin", "Bambou", "MDF", "Marbre", "Simili Cuir",
                  "Cuir", "Teck", "Acacia", "Aluminium", "Résine Tressée", "Polyester", "Céramique"]
STYLES = ["Scandinave", "Industriel", "Moderne", "Vintage", "Contemporain", "Design", "Rétro",
          "Bohème", "Classique", "Campagne", "Minimaliste", "Baroque", "Art Déco", "Loft"]

# Shared "anchor" words that deliberately appear in several categories.
AMBIGUOUS = {
    "books": ["Lot de livres", "Lot De 5 Livres", "Livre", "Livre ancien", "Collection complète",
              "Edition originale", "Lot de 3 revues", "Album", "Tome 2", "Volume 1",
              "Encyclopédie", "Recueil", "Catalogue", "Bande dessinée", "Almanach"],
    "toys": ["Figurine", "Jouet", "Peluche", "Jeu", "Coffret", "Jeu enfant", "Lot de figurines",
             "Jouet éducatif", "Puzzle", "Poupée", "Jeu de construction", "Figurine articulée",
             "Kit créatif", "Déguisement"],
    "models": ["Figurine 28mm", "Maquette", "Kit à peindre", "Miniature", "Figurine résine",
               "Décor", "Véhicule", "Char", "Peinture acrylique"],
    "games": ["Jeu PS2", "Jeu Xbox 360", "Jeu Wii", "Manette", "Console", "Jeu Nintendo DS",
              "Lot jeux", "Jeu PS3", "Jeu Game Boy", "Jeu PC", "Câble", "Jeu vidéo"],
}
GROUP_OF = {10: "books", 2280: "books", 2705: "books", 2403: "books",
            1280: "toys", 1281: "toys", 1140: "toys", 1302: "toys",
            1300: "models", 1180: "models",
            40: "games", 60: "games", 2462: "games", 50: "games", 2905: "games"}
GROUPS: dict[str, list[int]] = {}
for _c, _g in GROUP_OF.items():
    GROUPS.setdefault(_g, []).append(_c)

# ---------------------------------------------------------------------------
# Per-category vocabularies
# ---------------------------------------------------------------------------
# Each category: ``types`` (product types), ``brands``, ``attrs`` (qualifiers),
# ``sizes`` (size / reference strings, may contain {n} {m} {k}), ``templates``,
# ``desc`` (description sentences). Special generators (books, games...) override.
V: dict[int, dict] = {}

V[2583] = dict(
    types=["Pompe à chaleur|5,5 kW;9 kW;12 kW;15 kW;7 kW;20 kW|Full Inverter;réversible;haute performance;pour piscine hors sol;pour piscine|Poolex;Zodiac;Hayward;Gré;Bestway;Netspa;Water Tech",
           "Filtre à sable|6 m³/h;10 m³/h;8 m³/h;4 m³/h", "Bâche à bulles|400 microns;Ø 4,57 m;8x4 m;5x10 m",
           "Liner|75/100;50/100;Ø 4,57 m;8x4 m;549x274x132 cm",
           "Skimmer||pour piscine hors sol;grande buse;à encastrer;pour piscine béton",
           "Robot nettoyeur|Fond et parois;18 m;12 m|électrique;hydraulique;fond et parois;programmable",
           "Spa gonflable|4 personnes;6 places;Ø 196 cm;800 gal;120 jets|gonflable;4 personnes;120 jets;rond;carré|Intex;Bestway;Lay-Z-Spa;Netspa;Toi",
           "Échelle inox|3 marches;4 marches;2x3 marches", "Chlore choc|5 kg;1 kg;25 kg;granulés 5 kg",
           "Kit piscine hors sol|549x274x132 cm;457x122 cm;366x76 cm;488x244x107 cm;610x366x122 cm;Ø 3,66 m|rectangulaire;ronde;ovale;autoportante;tubulaire|Intex;Bestway;Gré;Toi;Steinbach;Summer Waves",
           "Piscine tubulaire|549x274x132 cm;300x200x75 cm;488x244x107 cm;Ø 4,57 m|rectangulaire;ronde;ovale;hors sol|Intex;Bestway;Summer Waves;Toi;Steinbach",
           "Piscine bois|Ø 4,57 m;610x366x122 cm;404x404 cm",
           "Groupe de filtration|6 m³/h;10 m³/h;4 m³/h|à sable;à cartouche",
           "Pompe de filtration|0,75 CV;1 CV;6 m³/h;10 m³/h|auto-amorçante;220-240V",
           "Cartouche filtrante|Lot de 2;Lot de 4;Type A;Type B|pour spa;pour piscine",
           "Bâche d'hivernage|8x4 m;10x5 m;Ø 4,57 m|140 g/m²;opaque;pour piscine hors sol",
           "Couverture isotherme|8x4 m;Ø 3,66 m;400 microns|à bulles;solaire",
           "Enrouleur de bâche|jusqu'à 5,5 m;jusqu'à 6,4 m|télescopique;inox",
           "Épuisette de fond||avec manche télescopique;professionnelle",
           "Balai aspirateur||pour piscine;à batterie;manuel", "Brosse de paroi|45 cm;30 cm|pour liner;pour béton",
           "Tuyau flottant|8 m;10 m;12 m;15 m|Ø 38 mm;Ø 32 mm",
           "Pastilles de chlore galets|5 kg;1 kg;10 kg|multifonction;lent;200 g|Bayrol;Mareva;Water Tech;Hydro Force;Gré",
           "Analyseur de pH||électronique;digital;pour piscine et spa",
           "Bandelettes test|x50;x100|4 en 1;6 en 1|Aquachek;Bayrol;Kokido",
           "Régulateur pH moins|5 kg;1,5 kg;6 kg|en poudre;liquide|Bayrol;Mareva;Hydro Force",
           "Électrolyseur au sel|jusqu'à 60 m³;jusqu'à 90 m³|autonettoyant",
           "Projecteur LED||multicolore;blanc;pour piscine hors sol;télécommandé",
           "Douche solaire|35 L;20 L;40 L|de jardin;pour piscine", "Tapis de sol|472x472 cm;Ø 4,57 m|de protection",
           "Diffuseur flottant||pour chlore;Ø 18 cm",
           "Couvre-spa|4 personnes;6 places|isotherme", "Marchepied spa",
           "Robot électrique fond et parois|12 m;18 m|programmable", "Aspirateur à batterie||sans fil;rechargeable",
           "Réchauffeur électrique|3 kW;6 kW|pour piscine hors sol", "Floculant|1 L;5 L;cartouches|clarifiant",
           "Verre filtrant|20 kg;25 kg", "Anti-algues|1 L;5 L|concentré;triple action", "Kit de rénovation liner",
           "Piscine semi-enterrée|Ø 4,57 m;610x366x122 cm;8x4 m|bois;acier", "Abri de piscine||bas;haut;télescopique",
           "Buse de refoulement||orientable;Ø 50 mm", "Vanne 6 voies|1 1/2 pouces;2 pouces|top;latérale",
           "Spa rigide|4 personnes;5 places;6 places|120 jets;acrylique"],
    brands=["Intex", "Bestway", "Zodiac", "Dolphin Maytronics", "Gré", "Hayward", "Bayrol", "Astralpool",
            "Ubbink", "Kokido", "Lay-Z-Spa", "Poolex", "Pentair", "Aquachek", "Water Tech", "Mareva",
            "Hydro Force", "Steinbach", "Netspa", "Summer Waves", "Toi", "Linxor", "Jardiland", "Procopi"],
    attrs=["hors sol", "pour piscine", "enterrée", "autoportante", "rectangulaire", "ronde", "ovale",
           "4 personnes", "6 places", "réversible", "inverter", "tout inclus", "multifonction", "auto-gonflant",
           "75/100", "400 microns", "anti-UV", "haute performance", "solaire", "Full Inverter", "120 jets"],
    sizes=["549x274x132 cm", "457x122 cm", "366x76 cm", "300x200x75 cm", "Ø 4,57 m", "Ø 3,66 m",
           "488x244x107 cm", "610x366x122 cm", "9 kW", "12 kW", "5,5 kW", "15 kW", "10 m³/h", "6 m³/h",
           "25 kg", "5 kg", "1 kg", "1,5 L", "20 L", "8 m", "12 m", "0,75 CV", "1 CV", "220-240V",
           "404x404 cm", "Ø 196 cm", "800 gal"],
    templates=["{type} {brand} {attr} {size}", "{brand} {type} {size}", "{type} {attr} - {size}",
               "{type} pour piscine {attr} {size}", "{brand} - {type} {attr}", "{type} {size} {brand} {ref}",
               "Kit piscine {attr} {brand} {size}", "{type} {brand} {ref} {color}", "Lot de 2 {type} {brand}",
               "{type} {attr} {color} {size}"],
    refs=["#####", "58###", "28###", "P####", "Réf. ####"],
    desc=["Pompe à chaleur compatible avec la plupart des piscines hors sol et enterrées.",
          "Filtration efficace pour une eau claire tout l'été.", "Garantie 2 ans, livré avec notice de montage.",
          "Structure en acier galvanisé, liner renforcé en PVC triple épaisseur.",
          "Idéal pour entretenir votre piscine facilement.", "Débit de filtration : 6 m³/h.",
          "Se raccorde au skimmer ou à la prise balai.", "Spa gonflable avec système de massage à bulles.",
          "Chauffage de l'eau jusqu'à 40°C.", "Traitement de l'eau : chlore, pH, anti-algues.",
          "Montage facile sans outils en moins de 30 minutes.", "Coefficient de performance COP 5,8."],
)

V[1940] = dict(
    types=["Café en grains|1 kg;500 g;250 g|pur arabica;100% Arabica;bio;intense;équitable|Lavazza;Malongo;Carte Noire;Jacques Vabre;Maison Dupont",
           "Café moulu|250 g;4 x 250 g;500 g|pur arabica;bio;intense;décaféiné|Lavazza;Carte Noire;Malongo;Jacques Vabre",
           "Capsules de café|x100;50 capsules;Boîte de 40|intense;décaféiné;compatibles|Nespresso;Dolce Gusto;Carte Noire;Lavazza",
           "Thé vert|100 g;Boîte de 40|bio;au jasmin;à la menthe|Kusmi Tea;Mariage Frères;Lipton;Twinings;Dammann Frères",
           "Thé noir|100 g;Boîte de 40|Earl Grey;bio|Kusmi Tea;Mariage Frères;Lipton;Twinings;Dammann Frères",
           "Infusion",
           "Bonbons|1 kg;Sachet 200 g;3 kg|assortis;sans sucre ajouté;acidulés|Haribo;Lutti;Verquin",
           "Chocolat noir|100 g;12 x 100 g|noir 70%;bio;intense|Lindt;Côte d'Or;Nestlé",
           "Tablette de chocolat|100 g;12 x 100 g|au lait;noir 70%|Lindt;Côte d'Or;Milka",
           "Pâte à tartiner|Pot 450 g;1 kg|bio;aux noisettes|Ferrero;Bonne Maman", "Épices", "Poivre noir",
           "Biscuits|Lot de 6;250 g|pur beurre;au chocolat|Lu;St Michel;Lotus", "Coffret gourmand",
           "Miel|500 g;250 g;1 kg|de Provence;de lavande;bio",
           "Confiture|Pot 450 g;370 g|aux fruits rouges;extra|Bonne Maman;St Dalfour",
           "Huile d'olive|75 cl;1 L;50 cl|vierge extra;bio;de Provence",
           "Sirop|75 cl;1 L|saveur vanille;de grenadine|Monin;Teisseire", "Caramels",
           "Nougat", "Calissons", "Foie gras", "Terrine", "Sauce piquante", "Riz basmati", "Pâtes",
           "Chewing-gum", "Guimauve", "Dragées", "Fruits secs", "Amandes", "Boisson énergisante",
           "Vinaigre balsamique", "Sel de Guérande", "Matcha", "Rooibos", "Barres protéinées", "Sucettes",
           "Pain d'épices", "Macarons", "Bière artisanale", "Cidre", "Moutarde"],
    brands=["Lavazza", "Carte Noire", "Malongo", "Kusmi Tea", "Mariage Frères", "Lipton", "Haribo",
            "Lindt", "Côte d'Or", "Milka", "Nestlé", "Ducros", "Lu", "Bonne Maman", "St Michel",
            "Nespresso", "Dolce Gusto", "Lutti", "Kinder", "Ferrero", "Verquin", "Fauchon", "Hédiard",
            "Maison Dupont", "Lotus", "Twinings", "Dammann Frères", "Monin", "Jacques Vabre", "Red Bull"],
    attrs=["bio", "pur arabica", "100% Arabica", "sans gluten", "artisanal", "de Provence", "pur beurre",
           "aux fruits rouges", "intense", "décaféiné", "équitable", "fait maison", "vegan", "au caramel",
           "saveur vanille", "noir 70%", "au lait", "assortis", "Made in France", "sans sucre ajouté"],
    sizes=["1 kg", "500 g", "250 g", "100 g", "2 kg", "12 x 100 g", "Boîte de 40", "Sachet 200 g",
           "Lot de 6", "75 cl", "1 L", "50 capsules", "x100", "Pot 450 g", "3 kg", "Carton de 24"],
    templates=["{type} {brand} {attr} {size}", "{brand} {type} {size}", "{type} {attr} - {size}",
               "Lot de {k} {type} {brand}", "{type} {brand} - {attr} - {size}", "Coffret {type} {attr}",
               "{brand} - {type} {attr}", "{type} {size}"],
    refs=["####"],
    desc=["Torréfié artisanalement en France.", "DLUO : voir emballage.", "Ingrédients : sucre, sirop de glucose, arômes.",
          "Conserver dans un endroit frais et sec.", "Idéal pour offrir.", "Peut contenir des traces de fruits à coque.",
          "Un café intense aux notes de cacao.", "Infusion 3 à 5 minutes à 90°C.", "Produit de qualité artisanale."],
)

V[2220] = dict(
    types=["Croquettes|10 kg;2 kg;15 kg;4 kg;7,5 kg;12 kg;3 kg|chat adulte;chiot;chaton;stérilisé;senior;sans céréales;au poulet;au saumon;petit chien;grand chien|Royal Canin;Purina Pro Plan;Hill's;Eukanuba;Ultima;Advance;Whiskas;Pedigree",
           "Arbre à chat|Hauteur 140 cm;Hauteur 180 cm;Hauteur 90 cm", "Laisse|5 m;1,2 m;3 m;S;M;L",
           "Aquarium|60 L;120 L;200 L;54 L;20 L|équipé;en verre;avec éclairage LED;pour poissons|Juwel;Tetra;Ferplast;Eheim;Zolux",
           "Niche|S;M;L;XL;80x60 cm", "Collier|S;M;L;XL", "Harnais|S;M;L;XL;XS", "Griffoir||en sisal;carton;mural",
           "Litière|10 L;20 L;15 kg;7 kg", "Bac à litière||couvert;avec filtre;autonettoyant",
           "Panier pour chien|S;M;L;XL|déhoussable;antidérapant", "Coussin pour chat|Ø 40 cm;Ø 50 cm|moelleux;lavable",
           "Gamelle||inox;double;antidérapante;en céramique", "Fontaine à eau|2 L;3 L|pour chat;avec filtre",
           "Cage à oiseaux||avec perchoirs;pour canaris;pour perruches", "Clapier||en bois;pour lapin;2 étages",
           "Cage pour rongeur||pour hamster;pour cochon d'Inde;pour lapin",
           "Jouet pour chien||en caoutchouc;à mâcher;corde", "Balle|Lot de 3;x6|pour chien;lumineuse",
           "Os à mâcher|Lot de 12;x10|naturel;pour chien",
           "Friandises|Lot de 12;200 g;500 g",
           "Pâtée|12 x 85 g;24 x 100 g;Lot de 12|pour chat;pour chien;au poulet;au saumon|Whiskas;Sheba;Felix;Pedigree;Royal Canin",
           "Distributeur de croquettes||automatique;programmable",
           "Sac de transport|S;M;L|pour chat;pour chien;pliable", "Caisse de transport|S;M;L|pour chat;pour chien",
           "Manteau pour chien|XS;S;M;L;XL|imperméable;polaire", "Brosse||pour chien;pour chat;anti-poils",
           "Coupe-griffes", "Shampoing|250 ml;500 ml|pour chien;pour chat;anti-démangeaisons",
           "Filtre aquarium|60 L;120 L;200 L|intérieur;externe|Tetra;JBL;Eheim;Juwel",
           "Pompe à air||pour aquarium;silencieuse|Tetra;JBL;Eheim",
           "Chauffage aquarium|50 W;100 W;200 W|réglable|Tetra;JBL;Eheim;Juwel",
           "Terrarium|60x45x45 cm;30x30x45 cm|en verre;pour reptiles", "Chatière||à puce électronique;4 positions",
           "Parc pour chiots|8 panneaux;80 cm|pliable;métal",
           "Collier antiparasitaire||pour chat;pour grand chien;pour petit chien|Seresto;Frontline;Advance",
           "Laisse enrouleur|5 m;8 m|pour chien|Flexi;Trixie", "Muselière|S;M;L|réglable",
           "Tapis rafraîchissant|50x65 cm;90x50 cm|pour chien", "Mangeoire||pour oiseaux;à suspendre",
           "Graines pour oiseaux|1 kg;5 kg;25 kg|mélange;pour perruches|Vitakraft;Zolux"],
    brands=["Royal Canin", "Purina Pro Plan", "Hill's", "Trixie", "Kerbl", "Zolux", "Ferplast", "Flamingo",
            "Tetra", "JBL", "Eheim", "Whiskas", "Sheba", "Pedigree", "Felix", "Frontline", "Seresto",
            "Vitakraft", "Kong", "Ultima", "Eukanuba", "Advance", "Juwel", "Croci", "Flexi"],
    attrs=["pour chat", "pour chien", "chat adulte", "chiot", "chaton", "petit chien", "grand chien",
           "stérilisé", "senior", "sans céréales", "au poulet", "au saumon", "réglable", "en nylon",
           "XXL", "pour rongeur", "pour lapin", "pour oiseaux", "pour poissons", "anti-traction", "griffoir sisal"],
    sizes=["10 kg", "2 kg", "15 kg", "4 kg", "7,5 kg", "S", "M", "L", "XL", "60 L", "120 L", "200 L",
           "150 cm", "5 m", "80x60 cm", "Ø 40 cm", "Lot de 12", "Hauteur 140 cm", "12 x 85 g"],
    templates=["{type} {attr} {brand} {size}", "{brand} {type} {attr} {size}", "{type} {attr} - {color} - {size}",
               "{type} {brand} {attr}", "{type} {attr} {size}", "Lot de {k} {type} {attr}", "{brand} - {type} {size}"],
    refs=["####"],
    desc=["Convient aux chats et chiens de toutes tailles.", "Aliment complet pour animaux adultes.",
          "Matériau résistant et facile à nettoyer.", "Votre animal va l'adorer !",
          "Griffoir en sisal naturel, plusieurs plateformes.",
          "Aquarium livré complet avec filtre et éclairage LED.", "Réglable en longueur.",
          "Composition : viande, céréales, minéraux."],
)

# --- books & magazines -----------------------------------------------------
FIRST = ["Jean", "Marie", "Pierre", "Michel", "Anne", "Jacques", "Françoise", "Philippe", "Claude", "Catherine",
         "Henri", "Louis", "Alain", "Christine", "Bernard", "Sophie", "Paul", "Nathalie", "André", "Isabelle",
         "Guillaume", "Émile", "Georges", "Simone", "Marguerite", "Jean-Paul", "Yves", "Hélène", "Joël", "Amélie"]
LAST = ["Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia",
        "Roux", "Fournier", "Girard", "Bonnet", "Mercier", "Blanc", "Guérin", "Muller", "Chevalier", "Faure",
        "Rousseau", "Lambert", "Fontaine", "Perrin", "Clément", "Gauthier", "Barbier", "Delacroix", "Marchand", "Vidal"]
CLASSICS = [("Les Misérables", "Victor Hugo"), ("Germinal", "Émile Zola"), ("Madame Bovary", "Gustave Flaubert"),
            ("Bel-Ami", "Guy de Maupassant"), ("Le Père Goriot", "Honoré de Balzac"), ("L'Étranger", "Albert Camus"),
            ("La Peste", "Albert Camus"), ("Le Comte de Monte-Cristo", "Alexandre Dumas"), ("Nana", "Émile Zola"),
            ("Les Fleurs du Mal", "Charles Baudelaire"), ("Voyage au bout de la nuit", "Louis-Ferdinand Céline"),
            ("La Condition humaine", "André Malraux"), ("Thérèse Desqueyroux", "François Mauriac"),
            ("Le Grand Meaulnes", "Alain-Fournier"), ("Candide", "Voltaire"), ("Bonjour tristesse", "Françoise Sagan"),
            ("La Chartreuse de Parme", "Stendhal"), ("Notre-Dame de Paris", "Victor Hugo"), ("L'Assommoir", "Émile Zola"),
            ("Les Liaisons dangereuses", "Choderlos de Laclos"), ("Le Horla", "Guy de Maupassant"),
            ("Vingt mille lieues sous les mers", "Jules Verne"), ("Les Trois Mousquetaires", "Alexandre Dumas"),
            ("Du côté de chez Swann", "Marcel Proust"), ("La Nausée", "Jean-Paul Sartre"), ("Le Deuxième Sexe", "Simone de Beauvoir"),
            ("Millénium", "Stieg Larsson"), ("La Vérité sur l'affaire Harry Quebert", "Joël Dicker"),
            ("L'Élégance du hérisson", "Muriel Barbery"), ("Da Vinci Code", "Dan Brown"), ("Le Parfum", "Patrick Süskind"),
            ("Central Park", "Guillaume Musso"), ("Et après...", "Guillaume Musso"), ("Les Rivières pourpres", "Jean-Christophe Grangé"),
            ("Au revoir là-haut", "Pierre Lemaitre"), ("Ensemble, c'est tout", "Anna Gavalda"), ("Shining", "Stephen King"),
            ("Der Prozess", "Franz Kafka"), ("Die Verwandlung", "Franz Kafka"), ("The Old Man and the Sea", "Ernest Hemingway")]
NOUNS = ["maison", "mer", "nuit", "guerre", "mémoire", "vie", "rivière", "forêt", "ombre", "lumière", "vallée",
         "passion", "enfance", "promesse", "femme", "terre", "montagne", "ville", "frontière", "révolution", "neige",
         "colline", "route", "plage", "tempête", "saison", "lune", "chambre", "fille", "reine", "source", "famille"]
NOUNS_M = ["secret", "silence", "destin", "jardin", "voyage", "village", "hiver", "été", "cœur", "sang", "empire", "fleuve",
           "royaume", "soleil", "regard", "désert", "chemin", "vent", "château", "pays", "temps", "loup", "serment", "rêve"]
ADJS = ["perdu", "oublié", "noir", "dernier", "rouge", "éternel", "lointain", "sauvage", "brûlé", "interdit", "endormi", "inachevé", "immobile"]
PUBLISHERS = ["Gallimard", "Folio", "Le Livre de Poche", "Flammarion", "Albin Michel", "Seuil", "Grasset", "Pocket",
              "J'ai Lu", "Robert Laffont", "Plon", "Actes Sud", "Fayard", "Julliard", "Denoël", "Stock", "Hachette",
              "Presses de la Cité", "Larousse", "Points", "10/18", "Payot", "PUF", "La Pléiade", "Belfond", "Calmann-Lévy"]


def _author(rng):  # noqa: D103
    return f"{pick(rng, FIRST)} {pick(rng, LAST)}"


def _novel_title(rng):
    u = rng.random()
    n, n2, m, a = pick(rng, NOUNS), pick(rng, NOUNS), pick(rng, NOUNS_M), pick(rng, ADJS)
    fa = a if a.endswith("e") else (a[:-3] + "ère" if a.endswith("ier") else a + "e")
    la = "L'" if n[0] in "aeéiouh" else "La "
    le = "L'" if m[0] in "aeéiouh" else "Le "
    forms = [f"{la}{n} {fa}", f"{le}{m} de la {n2}", f"Les Enfants de la {n}", f"Le {m} {a}", f"Le {m} des {pick(rng, ['ombres', 'oubliés', 'anges', 'loups', 'jours heureux'])}",
             f"Au-delà de la {n}", f"{la}{n} et le {m}", f"Le Dernier {m}", f"Une {n} {fa}", f"Retour à la {n}",
             f"Chroniques de la {n}", f"Le Temps de la {n}", f"Un {m} {a}", f"{pick(rng, FIRST)} ou le {m} {a}"]
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
        t, a = pick(rng, CLASSICS)
    else:
        t, a = _novel_title(rng), _author(rng)
    ed = pick(rng, PUBLISHERS)
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
    parts = [f"Auteur : {_author(rng)}", f"Éditeur : {pick(rng, PUBLISHERS)}", f"Année : {int(rng.integers(1930, 2020))}",
             f"Nombre de pages : {int(rng.integers(60, 900))}", f"Format : {pick(rng, ['Broché', 'Poche', 'Relié', 'Cartonné'])}"]
    k = int(rng.integers(2, 5))
    return " - ".join(parts[:k])


BOOK_DESC = ["Livre en bon état, quelques traces d'usage sur la couverture.", "Bon état général, pages jaunies.",
             "Roman de la rentrée littéraire, prix Goncourt.", "Un récit bouleversant sur l'amour et la mémoire.",
             "Couverture souple, dos légèrement insolé.", "Édition de poche.", "Livre d'occasion - envoi soigné.",
             "Texte intégral.", "Le chef-d'œuvre de l'auteur enfin réédité.", "Exemplaire numéroté.",
             "Quelques annotations au crayon.", "Ouvrage broché, bon état."]

V[10] = dict(gen=_book10, dgen=_book_dgen, types=["Roman", "Essai", "Livre", "Poésie", "Recueil de nouvelles", "Biographie",
             "Thriller", "Polar", "Roman policier", "Théâtre", "Philosophie", "Psychologie", "Témoignage", "Roman historique"],
             brands=PUBLISHERS, attrs=["occasion", "poche", "broché", "édition originale", "bon état"], sizes=["1975", "1988", "2003"],
             templates=["{type} {brand} {size}"], desc=BOOK_DESC)

GUIDE_SUBJ = ["Italie", "Espagne", "Bretagne", "Provence", "Paris", "Japon", "Portugal", "Grèce", "Corse", "Normandie", "Alsace",
              "New York", "Maroc", "Écosse", "Thaïlande", "Canada", "Vietnam", "Islande"]
BEAUX = ["Les Châteaux de la Loire", "Les Plus Beaux Villages de France", "L'Art Roman en France", "Les Impressionnistes",
         "Histoire de la Marine Française", "La Grande Guerre 1914-1918", "Atlas du Monde", "Les Cathédrales de France",
         "Napoléon et son Temps", "L'Égypte des Pharaons", "La Cuisine de nos Grands-Mères", "Le Grand Livre des Champignons",
         "Encyclopédie des Oiseaux d'Europe", "Histoire de Paris", "Les Trains de Légende",
         "Les Avions de la Seconde Guerre Mondiale",
         "Picasso", "Van Gogh", "Monet à Giverny", "Le Louvre", "Les Jardins de Versailles", "Petit Larousse Illustré",
         "La Cuisine Française", "Pâtisserie !", "Le Vin pour les Nuls", "Yoga pour débutants", "Tricot facile",
         "Histoire des Rois de France", "Les Templiers", "Mythologie Grecque", "Dictionnaire des Symboles"]


def _book2705(rng):
    u = rng.random()
    yr = int(rng.integers(1950, 2021))
    if u < 0.2:
        return f"{pick(rng, ['Guide du Routard', 'Guide Vert Michelin', 'Lonely Planet', 'Le Petit Futé', 'Guide Evasion'])} {pick(rng, GUIDE_SUBJ)} {max(yr, 1995)}"
    if u < 0.45:
        return f"{pick(rng, BEAUX)}{pick(rng, ['', ' - ' + pick(rng, PUBLISHERS), ' - ' + _author(rng), ' - Illustré', ' - Beau Livre'])}"
    if u < 0.6:
        return f"{pick(rng, ['Cuisine', 'Recettes', 'Desserts', 'Cuisine végétarienne', 'Pâtisserie', 'Cuisine du monde', 'Apéritifs'])} {pick(rng, ['facile', 'de saison', 'en 30 minutes', 'pour tous', 'de chef', 'du terroir'])} - {pick(rng, ['Marabout', 'Larousse', 'Solar', 'Hachette Pratique', 'First', 'Mango'])}"
    if u < 0.78:
        subj = pick(rng, ["Histoire de la Bretagne", "La Révolution Française", "Les Vikings", "La Seconde Guerre mondiale",
                          "Les Celtes", "L'Empire romain", "La Résistance", "Le Moyen Âge", "Les Croisades", "L'Art gothique",
                          "La Photographie", "L'Architecture moderne", "Le Jazz", "La Bible illustrée", "Le Corps Humain"])
        return f"{subj}{pick(rng, ['', ' - ' + _author(rng), ' (' + pick(rng, PUBLISHERS) + ', ' + str(yr) + ')', ' - Tome 1', ' Illustrée'])}"
    if u < 0.9:
        t, a = _novel_title(rng), _author(rng)
        return f"{t} - {a}" if rng.random() < 0.5 else t
    return f"{pick(rng, ['Méthode', 'Manuel', 'Cahier', 'Annales', 'Précis'])} de {pick(rng, ['Droit civil', 'Mathématiques', 'Anglais', 'Comptabilité', 'Physique', 'Code de la route', 'Philosophie', 'Économie'])} {yr}"


V[2705] = dict(gen=_book2705, dgen=_book_dgen, types=["Livre"], brands=PUBLISHERS, attrs=["illustré"], sizes=["2010"],
               templates=["{type} {brand} {attr}"],
               desc=BOOK_DESC + ["Magnifique ouvrage illustré de nombreuses photographies en couleurs.", "Grand format, reliure cartonnée sous jaquette.",
                                 "Plus de 200 recettes faciles.", "Un guide complet avec cartes et adresses.",
                                 "Nombreuses illustrations en noir et blanc.",
                                 "Préface de l'auteur.", "Index, bibliographie."])

BD_SERIES = ["One Piece", "Naruto", "Dragon Ball", "Astérix", "Tintin", "Les Schtroumpfs", "Lucky Luke", "Boule et Bill",
             "Gaston Lagaffe", "Spirou et Fantasio", "Blake et Mortimer", "Les Légendaires", "Mortelle Adèle",
             "L'Attaque des Titans",
             "My Hero Academia", "Fullmetal Alchemist", "Death Note", "Les Sisters", "Cédric", "Thorgal", "XIII", "Titeuf",
             "Les Tuniques Bleues", "Yakari", "Largo Winch", "Hunter X Hunter", "Fairy Tail", "Demon Slayer",
             "Kid Paddle", "Les Profs"]
JEUNESSE = ["T'choupi", "Martine", "Petit Ours Brun", "Les P'tites Poules", "Le Petit Prince", "Harry Potter", "Le Club des Cinq",
            "Oui-Oui", "Caillou", "Les Monsieur Madame", "Tom-Tom et Nana", "Chair de Poule", "La Cabane Magique",
            "Mes premiers contes",
            "Peppa Pig", "Trotro", "Petit Nicolas", "Geronimo Stilton", "Les Aventures de Tintin", "Ariol",
            "Max et Lili", "Ma Première Encyclopédie"]


def _book2403(rng):
    u = rng.random()
    n = int(rng.integers(1, 90))
    if u < 0.35:
        s = pick(rng, BD_SERIES)
        return pick(rng, [f"{s} Tome {n}", f"{s} - Tome {n} - {_novel_title(rng)}", f"{s} Vol. {n}", f"{s} T{n}",
                          f"Lot {s} tomes 1 à {n % 20 + 3}", f"{s} N° {n} - Edition originale"])
    if u < 0.65:
        s = pick(rng, JEUNESSE)
        return pick(rng, [f"{s} - {_novel_title(rng)}", f"{s}", f"{s} - Tome {n}",
                          f"{s} {pick(rng, ['- Bibliothèque Rose', '- Bibliothèque Verte', '- Folio Junior', '- Père Castor', '- Album', '- Livre cartonné', '- Hachette Jeunesse'])}"])
    if u < 0.82:
        return f"Lot de {int(rng.integers(3, 30))} {pick(rng, ['livres enfant', 'livres jeunesse', 'BD', 'mangas', 'albums', 'livres Bibliothèque Rose', 'Chair de Poule', 'livres 3-6 ans', 'romans ado'])}"
    if u < 0.92:
        return f"{pick(rng, ['Mon premier imagier', 'Cahier de vacances', 'Livre sonore', 'Mon livre de coloriage', 'Livre puzzle', 'Mes contes préférés', 'Livre à toucher', 'Documentaire junior'])} {pick(rng, ['- ' + pick(rng, ['Nathan', 'Gallimard Jeunesse', 'Fleurus', 'Usborne', 'Milan', 'Bayard', 'Auzou', 'Hachette Jeunesse']), 'dès 3 ans', '- 2-4 ans', 'CP', 'CE1'])}"
    ed = pick(rng, ['Roman jeunesse', 'Folio Junior', 'Pocket Jeunesse', "L'École des Loisirs", 'Casterman', 'Dargaud', 'Glénat', 'Kana', 'Dupuis'])
    return f"{_novel_title(rng)} - {_author(rng)} - {ed}"


V[2403] = dict(gen=_book2403, dgen=_book_dgen, types=["Livre"], brands=["Glénat"], attrs=["jeunesse"], sizes=["3"],
               templates=["{type} {attr}"],
               desc=BOOK_DESC + ["Album jeunesse à partir de 3 ans.", "Manga en très bon état, lu une fois.", "Bande dessinée cartonnée.",
                                 "Lot de livres pour enfants en bon état.", "Idéal pour apprendre à lire.", "Série complète.",
                                 "Édition originale, dos toilé."])

MAGS = ["Paris Match", "Le Point", "L'Express", "Le Nouvel Observateur", "Télérama", "Elle", "Marie Claire", "Science et Vie",
        "Géo", "National Geographic", "Le Monde", "Le Figaro Magazine", "Auto Plus", "L'Équipe Magazine", "Onze Mondial",
        "Rock & Folk", "Les Inrockuptibles", "Première", "Studio Magazine", "Jours de France", "Modes et Travaux", "Historia",
        "Spirou", "Pilote", "Mickey Parade", "Le Journal de Mickey", "Charlie Hebdo", "Hara-Kiri", "Lui", "Point de Vue",
        "Ici Paris", "France Dimanche", "Cahiers du Cinéma", "Connaissance des Arts", "Vogue Paris", "La Vie du Rail",
        "Sport Auto", "Moto Journal", "Chasseur Français", "L'Illustration", "Détente Jardin", "Marie France",
        "Salut Les Copains",
        "Okapi", "Picsou Magazine", "Le Film Français", "Réponses Photo", "Canard PC", "Joystick", "Super Power"]
MAG_SUBJ = ["Johnny Hallyday", "Brigitte Bardot", "De Gaulle", "Mitterrand", "Lady Diana", "Alain Delon", "Catherine Deneuve",
            "Le Tour de France", "La Coupe du Monde", "Spécial Cannes", "Les Années 60", "Le Mur de Berlin", "Marilyn Monroe",
            "Les Beatles", "Zidane", "Grace de Monaco", "La Guerre du Golfe", "Elvis Presley", "Le Concorde", "Jacques Chirac",
            "L'Art Et Son Marche", "Spécial Vacances", "La Mode Printemps-Été", "Hors-Série", "Numéro Spécial Noël",
            "Sylvie Vartan", "Claude François", "Belmondo", "Michel Sardou", "Le Prince Charles"]


TOP_MAGS = ["Paris Match", "Le Monde", "L'Express", "Le Point", "Science et Vie", "Télérama", "Elle", "Auto Plus",
            "Le Nouvel Observateur", "L'Équipe Magazine", "Spirou", "Historia"]


def _mag(rng):
    m = pick(rng, TOP_MAGS if rng.random() < 0.45 else MAGS)
    n = int(rng.integers(1, 3800))
    d = f"{int(rng.integers(1, 29)):02d}/{int(rng.integers(1, 13)):02d}/{int(rng.integers(1950, 2019))}"
    s = pick(rng, MAG_SUBJ)
    u = rng.random()
    if u < 0.08:
        sub = pick(rng, ["L'art Et Son Marche", "Les Ventes Aux Encheres", "Le Marche De L'art", "Expositions"])
        return f"Journal Des Arts (Le) N° {n % 400 + 1} Du {d} - {sub}"
    if u < 0.4:
        return f"{m} N° {n} Du {d} - {s} - {pick(rng, MAG_SUBJ)}"
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
    return f"{pick(rng, MAG_SUBJ)} - {pick(rng, MAG_SUBJ)} - {pick(rng, ['Reportage', 'Interview', 'Dossier', 'Portrait', 'Enquête'])} : {pick(rng, NOUNS)} {pick(rng, ADJS)}"


V[2280] = dict(gen=_mag, dgen=_mag_dgen, types=["Magazine"], brands=MAGS, attrs=["ancien"], sizes=["1"], templates=["{type} {brand}"],
               desc=["Magazine en bon état, complet.", "Revue ancienne, quelques rousseurs.", "Journal d'époque.",
                     "Numéro complet avec ses suppléments.", "Couverture légèrement usée.",
                     "Sommaire : politique, culture, sport.",
                     "Hebdomadaire d'actualité.", "Mensuel.", "Bon état d'usage.",
                     "Parfait pour collectionneur ou cadeau d'anniversaire (journal de naissance)."])

# --- video games -------------------------------------------------------------
GAMES_EN = ["Call of Duty: Black Ops III", "Call of Duty: WWII", "FIFA 18", "FIFA 19", "Need for Speed Payback",
            "Assassin's Creed Origins", "Assassin's Creed Odyssey", "Red Dead Redemption 2", "Grand Theft Auto V",
            "The Witcher 3: Wild Hunt", "Far Cry 5", "Battlefield 1", "Destiny 2", "Watch Dogs 2", "Tom Clancy's The Division",
            "Horizon Zero Dawn", "Uncharted 4: A Thief's End", "The Last of Us Remastered", "God of War", "Spider-Man",
            "Super Mario Odyssey", "Mario Kart 8 Deluxe", "The Legend of Zelda: Breath of the Wild", "Splatoon 2",
            "Pokémon Let's Go Pikachu", "Super Smash Bros. Ultimate", "Halo 5: Guardians", "Gears of War 4", "Forza Horizon 4",
            "Minecraft", "Lego Marvel Super Heroes 2", "Lego Star Wars: The Force Awakens", "Just Dance 2019",
            "Crash Bandicoot N. Sane Trilogy",
            "Dark Souls III", "Bloodborne", "Fallout 4", "The Elder Scrolls V: Skyrim", "Mass Effect Andromeda",
            "Resident Evil 7",
            "Metal Gear Solid V", "Final Fantasy XV", "Kingdom Hearts III", "Tekken 7", "Street Fighter V", "Mortal Kombat 11",
            "NBA 2K19", "Madden NFL 19", "WWE 2K18", "Pro Evolution Soccer 2018", "Gran Turismo Sport", "Rocket League",
            "Overwatch", "Doom", "Wolfenstein II: The New Colossus", "Sonic Mania Plus", "Yoshi's Crafted World",
            "Monster Hunter World",
            "Diablo III", "Borderlands 2", "BioShock Infinite", "Batman: Arkham Knight", "Mafia III", "Titanfall 2",
            "Sims 4", "Tropico 5"]
PLATFORMS = ["PS4", "PS3", "Xbox One", "Xbox 360", "Nintendo Switch", "Switch", "Wii U", "3DS", "PS Vita", "PC", "Wii", "PS2", "DS"]
PLATFORM_TAG = {"PS4": "[Jeu Ps4]", "PS3": "[Jeu Ps3]", "Xbox One": "[Xbox One]", "Xbox 360": "[Xbox 360]", "PS2": "[Jeu PS2]",
                "Wii": "[Jeu Wii]", "Wii U": "[Jeu Wii U]", "3DS": "[Jeu 3DS]", "DS": "[Jeu DS]", "PC": "[Jeu PC]",
                "Switch": "[Switch]", "Nintendo Switch": "[Nintendo Switch]", "PS Vita": "[PS Vita]"}
EDITIONS = ["", "", "", " - Edition Limitée", " - Day One Edition", " - Collector's Edition", " - Game of the Year Edition",
            " - Deluxe Edition", " - Gold Edition", " - Complete Edition", " (Platinum)", " - Standard Edition"]


def _game40(rng):
    g, p = pick(rng, GAMES_EN), pick(rng, PLATFORMS[:9])
    ed = pick(rng, EDITIONS)
    imp = pick(rng, ["[Import Anglais]", "[Import Anglais]", "[Import Allemand]", "[Import Italien]", "[Import Espagnol]",
                     "(Import UK)", "(UK Import)", "[Import Anglais] [Jeu " + p + "]", "[import anglais]"])
    u = rng.random()
    if u < 0.45:
        return f"{g}{ed} ({p}) {imp}"
    if u < 0.65:
        return f"{g}{ed} {PLATFORM_TAG[p]} {imp}"
    if u < 0.8:
        return f"{g} - {p} {imp}"
    if u < 0.9:
        return f"{g}{ed} ({p})"
    return f"{g} {PLATFORM_TAG[p]}"


def _game2905(rng):
    g = pick(rng, GAMES_EN + ["Sid Meier's Civilization VI", "Anno 1800", "Cities: Skylines", "Euro Truck Simulator 2",
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


RETRO_CONSOLES = ["Game Boy", "Game Boy Color", "Game Boy Advance", "Game Boy Advance SP", "Super Nintendo", "Nintendo NES",
                  "Sega Mega Drive", "Mega Drive 2", "Master System II", "Sega Saturn", "Dreamcast", "Nintendo 64", "GameCube",
                  "PlayStation 1", "PSone", "Atari 2600", "Neo Geo Pocket", "Game Gear", "Nintendo Game & Watch",
                  "Super NES Classic Mini",
                  "NES Classic Mini", "PlayStation Classic", "Atari Flashback", "Mega Drive Mini", "Amstrad CPC 6128",
                  "Commodore 64"]
RETRO_GAMES = ["Super Mario Bros 3", "Zelda A Link to the Past", "Sonic The Hedgehog", "Street Fighter II", "Tetris", "Pokémon Rouge",
               "Pokémon Jaune", "Donkey Kong Country", "Mario Kart 64", "GoldenEye 007", "Streets of Rage 2", "Castlevania",
               "Metroid", "Aladdin", "Le Roi Lion", "Kirby's Dream Land", "Crash Bandicoot", "Final Fantasy VII", "Super Metroid",
               "Mega Man X", "Alex Kidd", "Golden Axe", "Pac-Man", "Duck Hunt", "Spyro the Dragon"]


def _retro60(rng):
    c, g = pick(rng, RETRO_CONSOLES), pick(rng, RETRO_GAMES)
    u = rng.random()
    if u < 0.25:
        return f"Console {c} {pick(rng, COLORS[:6] + ['', '', 'Pal', 'Complète En Boite', 'Occasion', 'Très bon état', 'Fonctionnelle'])}"
    if u < 0.4:
        return f"Console {c} + {int(rng.integers(1, 4))} manette{'s' if rng.random() < 0.6 else ''} + {int(rng.integers(1, 12))} jeux"
    if u < 0.6:
        return f"{pick(rng, ['Cartouche', 'Jeu', 'Jeu en boite', 'Cartouche seule'])} {c} - {g} {pick(rng, ['', 'Pal Fr', 'Fah', 'loose', 'complet', 'avec notice'])}"
    if u < 0.75:
        return f"Mini Console Rétro {pick(rng, ['620', '400', '500', '821', '168', '30'])} Jeux {pick(rng, ['Intégrés', 'Classiques', 'Portable', 'HDMI', '8 bits', '16 bits'])}"
    if u < 0.87:
        return f"{pick(rng, ['Console Portable', 'Console de jeux vidéo rétro', 'Console Rétro', 'Retro Console'])} {pick(rng, ['Écran 3 Pouces', 'HDMI', 'Double Manette', '4K', 'Pocket'])} {pick(rng, ['Noir', 'Rouge', 'Jaune', 'Blanc'])}"
    return f"{c} {pick(rng, ['Console', 'Pack', 'Edition Limitée', 'Boîte + Notice', 'Rétrogaming', 'Vintage'])} {pick(rng, ['', g])}"


FR_GAMES = ["Gran Turismo 4", "Grand Theft Auto San Andreas", "Pro Evolution Soccer 6", "FIFA 08", "Les Sims 2", "Wii Sports",
            "Mario Kart Wii", "Just Dance 3", "Halo 3", "Gears of War 2", "Call of Duty Modern Warfare 2", "Assassin's Creed II",
            "God of War III", "Uncharted 2", "Kingdom Hearts II", "Ratchet & Clank", "Jak and Daxter",
            "Need for Speed Most Wanted",
            "Pokémon Version Platine", "Nintendogs", "Dr Kawashima", "Lapins Crétins", "Zelda Twilight Princess",
            "Super Mario Galaxy",
            "Red Dead Redemption", "Skylanders Spyro's Adventure", "Lego Batman", "Cars", "Disney Infinity", "Little Big Planet"]


def _geek2462(rng):
    g, p = pick(rng, FR_GAMES), pick(rng, ["PS2", "PS3", "Wii", "Xbox 360", "DS", "PSP", "PS4", "3DS", "Xbox", "GameCube"])
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
        return f"{g} {PLATFORM_TAG.get(p, '[Jeu ' + p + ']')}"
    return f"{pick(rng, ['Skylanders', 'Amiibo', 'Disney Infinity', 'Lego Dimensions'])} {pick(rng, ['Starter Pack', 'Figurine', 'Pack Aventure', 'Personnage'])} {p}"


V[40] = dict(gen=_game40, types=["Game"], brands=["Ubisoft"], attrs=["import"], sizes=["1"], templates=["{type}"],
             desc=["Jeu en anglais, jouable en français sur console européenne.", "Import UK, textes en anglais.",
                   "Brand new and sealed.", "Game in English. Region free.", "Neuf sous blister.",
                   "Version import, compatible consoles françaises.",
                   "Experience the next chapter of the epic saga.", "Online multiplayer up to 16 players.", "PEGI 18."])
V[2905] = dict(gen=_game2905, types=["Jeu"], brands=["Steam"], attrs=["PC"], sizes=["1"], templates=["{type}"],
               desc=["Ce produit est un code de téléchargement, aucun support physique ne sera envoyé.",
                     "Vous recevrez votre code d'activation par email.", "Activation sur Steam requise.",
                     "Configuration minimale : Windows 10 64 bits, 8 Go de RAM, carte graphique 2 Go.",
                     "Jeu en téléchargement, disponible immédiatement.", "Compte Steam nécessaire.",
                     "Langue : français, anglais.",
                     "Contenu téléchargeable pour le jeu de base (requis).", "Connexion internet requise."])
V[60] = dict(gen=_retro60, types=["Console"], brands=["Nintendo"], attrs=["rétro"], sizes=["1"], templates=["{type}"],
             desc=["Console testée et fonctionnelle.", "Rétrogaming : revivez les jeux de votre enfance.",
                   "Livrée avec câbles et manette.",
                   "Cartouche testée, sauvegarde OK.", "Boite un peu abîmée.", "Compatible téléviseur HDMI.",
                   "Plus de 600 jeux classiques intégrés.", "Version PAL française.", "Jeu vintage en bon état."])
V[2462] = dict(gen=_geek2462, types=["Jeu"], brands=["Sony"], attrs=["occasion"], sizes=["1"], templates=["{type}"],
               desc=["Jeu d'occasion en bon état, testé.", "Disque sans rayures.", "Jeu complet avec boîte et notice.",
                     "Console en parfait état de fonctionnement.", "Vendu avec les câbles d'alimentation.", "Version française.",
                     "Lot de jeux vidéo d'occasion.", "PEGI 12."])

V[50] = dict(
    types=["Manette", "Manette sans fil", "Câble HDMI", "Câble de charge", "Casque gaming", "Casque micro",
           "Housse de protection",
           "Étui de transport", "Chargeur", "Station de charge", "Double chargeur manettes", "Batterie", "Support vertical",
           "Ventilateur de refroidissement", "Volant", "Pédalier", "Carte mémoire", "Protection d'écran verre trempé",
           "Skin sticker",
           "Grips", "Joy-Con", "Adaptateur", "Câble USB", "Capteur Kinect", "Caméra", "Télécommande", "Stick arcade",
           "Clavier gaming", "Souris gamer", "Tapis de souris XXL", "Disque dur externe", "Dock", "Thumbsticks",
           "Sacoche", "Kit accessoires"],
    brands=["Sony", "Microsoft", "Nintendo", "Turtle Beach", "Logitech", "Thrustmaster", "Nacon", "PDP", "Hori",
            "Razer", "Subsonic",
            "Steelseries", "HyperX", "Under Control", "BigBen", "Trust", "Corsair", "Mad Catz", "PowerA", "Dobe",
            "Venom", "Orzly", "Generic"],
    attrs=["pour PS4", "pour Xbox One", "pour Nintendo Switch", "pour PS3", "pour Xbox 360", "compatible PS4 / PC", "pour Wii",
           "pour 3DS", "pour PS Vita", "pour Switch Lite", "filaire", "sans fil", "Bluetooth", "officielle",
           "compatible", "rétroéclairé",
           "pour DS Lite", "pour PS5"],
    sizes=["2 m", "3 m", "1,8 m", "USB", "1000 mAh", "2000 mAh", "32 Go", "64 Go", "7.1", "Dualshock 4", "V2", "Pro",
           "RGB", "1 To"],
    templates=["{type} {attr} {color}", "{type} {brand} {attr}", "{brand} {type} {attr} {size}",
               "{type} {attr} - {size} - {color}",
               "{type} {attr}", "Lot de {k} {type} {attr}", "{type} {size} {attr}", "{brand} - {type} {color} {attr}"],
    refs=["####"],
    desc=["Compatible avec toutes les versions de la console.", "Câble de charge USB inclus.",
          "Vibrations et capteur de mouvement.",
          "Protège votre console des rayures et des chocs.", "Son surround 7.1, micro antibruit.", "Autonomie : 8 heures.",
          "Plug & play, aucun pilote requis.", "Accessoire neuf en emballage d'origine.",
          "Ergonomie optimisée pour de longues sessions de jeu."],
)

# --- toys, games, figurines, models ---------------------------------------
AGES = ["dès 3 ans", "3 ans et +", "à partir de 6 ans", "8 ans+", "+ 14 ans", "18 mois+", "4-8 ans", "5 ans et plus", "10 ans +", "2 ans+"]
LICENCES = ["Star Wars", "Marvel", "Harry Potter", "Pokémon", "Dragon Ball Z", "One Piece", "Naruto", "Disney", "La Reine des Neiges",
            "Pat' Patrouille", "Spider-Man", "Batman", "Avengers", "Game of Thrones", "The Walking Dead",
            "Stranger Things", "Fortnite",
            "Minecraft", "Super Mario", "Zelda", "My Hero Academia", "Le Seigneur des Anneaux", "Retour vers le Futur",
            "Toy Story",
            "Les Simpson", "Doctor Who", "Assassin's Creed", "Overwatch", "Sailor Moon", "Saint Seiya", "Goldorak",
            "Jurassic World"]
CHARS = ["Luffy", "Goku", "Vegeta", "Naruto", "Pikachu", "Dark Vador", "Iron Man", "Thor", "Hulk", "Harry Potter", "Hermione",
         "Jon Snow", "Daenerys", "Deadpool", "Wolverine", "Joker", "Elsa", "Mickey", "Stitch", "Yoda", "Baby Yoda", "Groot",
         "Link", "Mario", "Eleven", "Captain America", "Zoro", "Kakashi", "All Might", "Rick Grimes", "Gandalf", "Sangoku"]

LIC_CHARS = {"Star Wars": ["Dark Vador", "Yoda", "Baby Yoda", "Stormtrooper", "Luke Skywalker", "Chewbacca", "Boba Fett", "R2-D2"],
             "Marvel": ["Iron Man", "Thor", "Hulk", "Deadpool", "Wolverine", "Captain America", "Groot", "Black Panther"],
             "Avengers": ["Iron Man", "Thor", "Hulk", "Captain America", "Thanos", "Black Widow"],
             "Harry Potter": ["Harry Potter", "Hermione", "Ron Weasley", "Dumbledore", "Hedwige", "Dobby", "Voldemort"],
             "Pokémon": ["Pikachu", "Dracaufeu", "Évoli", "Mewtwo", "Ronflex", "Salamèche"],
             "Dragon Ball Z": ["Goku", "Vegeta", "Sangoku", "Freezer", "Cell", "Gohan", "Broly"],
             "One Piece": ["Luffy", "Zoro", "Sanji", "Nami", "Ace", "Chopper", "Shanks"],
             "Naruto": ["Naruto", "Sasuke", "Kakashi", "Itachi", "Gaara", "Jiraiya"],
             "Disney": ["Mickey", "Stitch", "Minnie", "Donald", "Winnie l'Ourson", "Simba"],
             "La Reine des Neiges": ["Elsa", "Anna", "Olaf"], "Pat' Patrouille": ["Chase", "Marcus", "Stella", "Ryder"],
             "Spider-Man": ["Spider-Man", "Venom", "Miles Morales", "Bouffon Vert"], "Batman": ["Batman", "Joker",
             "Harley Quinn", "Robin"],
             "Game of Thrones": ["Jon Snow", "Daenerys", "Tyrion Lannister", "Arya Stark", "Drogon"],
             "The Walking Dead": ["Rick Grimes", "Daryl Dixon", "Negan", "Michonne"], "Stranger Things": ["Eleven",
             "Dustin", "Demogorgon", "Hopper"],
             "Fortnite": ["Jonesy", "Raven", "Skull Trooper", "Drift"], "Minecraft": ["Steve", "Creeper", "Enderman", "Alex"],
             "Super Mario": ["Mario", "Luigi", "Yoshi", "Bowser", "Peach"], "Zelda": ["Link", "Zelda", "Ganondorf"],
             "My Hero Academia": ["All Might", "Deku", "Bakugo", "Todoroki"], "Le Seigneur des Anneaux": ["Gandalf", "Frodon", "Gollum", "Aragorn"],
             "Retour vers le Futur": ["Marty McFly", "Doc Brown", "DeLorean"], "Toy Story": ["Woody", "Buzz l'Éclair", "Jessie"],
             "Les Simpson": ["Homer", "Bart", "Lisa"], "Doctor Who": ["Dalek", "TARDIS", "Le Docteur"],
             "Assassin's Creed": ["Ezio", "Altaïr", "Bayek"], "Overwatch": ["Tracer", "Genji", "D.Va"],
             "Sailor Moon": ["Sailor Moon", "Sailor Mars", "Luna"], "Saint Seiya": ["Seiya", "Shiryu", "Ikki"],
             "Goldorak": ["Goldorak", "Actarus"], "Jurassic World": ["T-Rex", "Blue", "Indominus Rex"]}

V[1280] = dict(
    types=["Peluche", "Poupée", "Poupée mannequin", "Voiture miniature", "Circuit de voitures", "Jeu de construction",
           "Coffret Lego",
           "Playmobil", "Figurine articulée", "Pistolet Nerf", "Robot interactif", "Poupon", "Dinette", "Cuisine en bois", "Garage",
           "Train électrique jouet", "Camion de pompier", "Maison de poupée", "Véhicule radiocommandé",
           "Hoverboard enfant", "Toupie Beyblade",
           "Slime", "Kit de loisirs créatifs", "Pâte à modeler", "Tableau magnétique", "Jouet musical",
           "Microscope enfant", "Talkie-walkie",
           "Montre connectée enfant", "Hochet", "Jouet en bois", "Coffret Hot Wheels", "Epée laser", "Baguette magique",
           "Chien robot",
           "Set de figurines", "Ferme avec animaux", "Château fort", "Mallette de docteur", "Caisse enregistreuse"],
    brands=["Lego", "Playmobil", "Mattel", "Hasbro", "Barbie", "Hot Wheels", "Vtech", "Fisher-Price", "Smoby", "Janod", "Djeco",
            "Nerf", "Bandai", "Spin Master", "Silverlit", "Majorette", "Schleich", "Moose Toys", "Corolle", "Famosa", "Clementoni",
            "Polly Pocket", "LOL Surprise", "Hatchimals", "Gipsy", "Simba", "Jouets Ecotoys", "Meccano", "Nathan",
            "Ty Beanie Boos"],
    attrs=AGES + ["en bois", "lumineux", "sonore", "interactif", "géant", "XXL", "rose", "à collectionner", "électronique", "neuf en boîte"],
    sizes=["30 cm", "25 cm", "45 cm", "80 cm", "1/64", "1/43", "12 pièces", "250 pièces", "520 pièces", "Réf. #####",
           "#####", "Set ####"],
    templates=["{brand} {type} {attr} {size}", "{type} {brand} {attr}", "{type} {extra} {attr}",
               "{brand} {size} - {type} {extra}",
               "{type} {attr} {color}", "{type} {extra} {size}", "{brand} {extra} - {type}", "Lot de {k} {type} {brand}",
               "{type} {brand} {extra} {size} {attr}"],
    extra=LICENCES + CHARS + ["Licorne", "Dinosaure", "Princesse", "Pompier", "Police", "Chevalier", "Pirate", "Ours", "Lapin", "Chat"],
    refs=["#####", "7####"],
    desc=["Jouet conforme aux normes CE.", "Attention : ne convient pas aux enfants de moins de 36 mois. Petits éléments.",
          "Piles non incluses.", "Développe l'imagination et la motricité de l'enfant.",
          "Peluche toute douce, lavable en machine à 30°.",
          "Contient de nombreux accessoires.", "Boîte d'origine, jamais ouverte.", "Idéal pour Noël ou un anniversaire.",
          "Matériaux de qualité, finitions soignées."],
)

BOARD = ["Catan", "Carcassonne", "Dixit", "7 Wonders", "Cluedo", "Trivial Pursuit", "Scrabble", "Uno", "Dobble", "Les Aventuriers du Rail",
         "Risk", "Pandemic", "Time's Up", "Jungle Speed", "Skyjo", "Mille Bornes", "Bonne Paye", "La Bonne Paye", "Qui est-ce ?",
         "Puissance 4", "Jenga", "Taboo", "Pictionary", "Blanc Manger Coco", "Dominion", "Splendor", "Azul",
         "Codenames", "Kingdomino",
         "Loups-Garous de Thiercelieux", "Hanabi", "Small World", "Mysterium", "Unlock!", "Exit le jeu", "Labyrinthe", "Rummikub",
         "Yam's", "Triominos", "Tabou", "Docteur Maboul", "Destins", "Mastermind", "Bataille Navale", "Monopoly Junior",
         "Monopoly Star Wars",
         "Monopoly Harry Potter", "Monopoly Tricheurs", "Monopoly Édition Lyon", "Twister", "Hippo Gloutons",
         "Ligretto", "Perudo"]

V[1281] = dict(
    types=["Jeu de société", "Puzzle", "Jeu de plateau", "Jeu de cartes", "Jeu d'ambiance", "Jeu de stratégie", "Jeu de rôle",
           "Extension", "Jeu coopératif", "Jeu éducatif", "Échiquier", "Jeu d'échecs", "Jeu de dames", "Backgammon", "Jeu de tarot",
           "Jeu de 54 cartes", "Casse-tête", "Rubik's Cube", "Escape game", "Jeu de quiz", "Jeu de dés", "Puzzle 3D",
           "Coffret multi-jeux",
           "Jeu de mémoire", "Loto", "Boîte de jetons de poker", "Mallette de poker"],
    brands=["Asmodee", "Hasbro Gaming", "Ravensburger", "Gigamic", "Days of Wonder", "Repos Production", "Iello", "Libellud",
            "Mattel Games", "Goliath", "Dujardin", "Educa", "Clementoni", "Schmidt", "Nathan", "Haba", "Cocktail Games",
            "Space Cowboys",
            "Zygomatic", "Blackrock Games", "Lansay", "Megableu", "Jumbo", "Wrebbit", "Heye", "Grimaud", "Djeco", "Smart Games"],
    attrs=AGES + ["2 à 6 joueurs", "2-4 joueurs", "3 à 8 joueurs", "version française", "édition 2018", "nouvelle édition",
                  "en bois", "de voyage", "familial", "coopératif", "magnétique"],
    sizes=["500 pièces", "1000 pièces", "1500 pièces", "2000 pièces", "3000 pièces", "100 pièces", "24 pièces", "5000 pièces",
           "30 min", "45 min", "#### pièces", "68x49 cm"],
    templates=["{extra} - {type} {attr}", "{brand} - {extra} - {type}", "{type} {brand} {size} {paysage}",
               "Puzzle {size} {paysage} {brand}",
               "{extra} {brand} {attr}", "{type} {attr} {brand}", "{extra}", "{extra} : Extension {ext}",
               "{type} {paysage} {size}",
               "Jeu {extra} {attr}", "{type} {extra} - {attr}"],
    extra=BOARD,
    refs=["#####"],
    desc=["Un jeu de société pour toute la famille.", "Nombre de joueurs : 2 à 6. Durée d'une partie : 30 minutes.",
          "Puzzle de qualité, pièces parfaitement emboîtables.", "Contenu : plateau, 4 pions, 110 cartes, 1 dé, règle du jeu.",
          "Jeu complet, vérifié.", "Règles en français.", "Un classique indémodable.", "Stratégie et bluff au rendez-vous !",
          "Dimensions du puzzle terminé : 68 x 49 cm."],
)

V[1140] = dict(
    types=["Figurine Pop", "Funko Pop", "Figurine", "Figurine collector", "Statue", "Mug", "Tasse", "Poster", "Porte-clés",
           "Lampe veilleuse", "Buste", "Réplique", "Figurine Nendoroid", "Figma", "Peluche géante", "Coussin", "Carnet",
           "Tapis de souris",
           "Casquette", "Tirelire", "Boîte à bento", "Plaque métal", "Verre à shot", "Chope", "Mini figurine",
           "Diorama", "Figurine Q Posket",
           "Figurine DXF", "Pins", "Sac à dos", "Gourde", "Masque", "Baguette Ollivander", "Cape", "Horloge", "Pop! Keychain"],
    brands=["Funko", "Banpresto", "Bandai Tamashii Nations", "Tsume", "Good Smile Company", "Abystyle", "Kotobukiya", "Hot Toys",
            "McFarlane Toys", "Neca", "Sideshow", "Paladone", "Pyramid International", "Megahouse", "Figuarts",
            "Hasbro Black Series",
            "Noble Collection", "Cinereplicas", "Sideshow Collectibles", "Medicom", "Kidrobot", "Pop!", "Eaglemoss"],
    attrs=["vinyl", "collector", "édition limitée", "exclusive", "chase", "glow in the dark", "flocked", "officielle",
           "licence officielle",
           "neuf en boîte", "rare", "PVC", "résine", "articulée", "lumineux", "en céramique"],
    sizes=["10 cm", "9 cm", "18 cm", "25 cm", "30 cm", "1/6", "1/4", "1/10", "N°###", "#", "##", "###", "320 ml",
           "460 ml", "61x91,5 cm"],
    templates=["{type} {lic} {char} {size}", "{brand} {type} {lic} - {char} #{n}", "{type} {char} - {lic} - {brand} {size}",
               "{type} {lic} {attr}", "{lic} - {type} {char} {attr}", "{type} {lic} {char} {attr}",
               "Figurine {lic} {char} {brand} {size}",
               "{brand} - {lic} - {char} - {type} {size}", "Pop! {lic} {char} N°{n} Vinyl"],
    refs=["###"],
    desc=["Figurine officielle sous licence.", "Hauteur : environ 10 cm.", "Figurine en vinyle, livrée en boîte fenêtre.",
          "Parfait pour les collectionneurs et fans de la saga.", "Mug en céramique, compatible lave-vaisselle.",
          "Produit dérivé officiel.", "Boîte en parfait état.", "Statue en résine peinte à la main, numérotée.",
          "Idéal pour les geeks !"],
)

V[1302] = dict(
    types=["Trampoline", "Balançoire", "Portique", "Toboggan", "Bac à sable", "Maisonnette en bois", "Cabane enfant",
           "Tente de jeu",
           "Piscine gonflable enfant", "Pistolet à eau", "Jeu de plage", "Seau et pelle", "Cerf-volant",
           "Ballon de football", "Ballon sauteur",
           "Trottinette", "Vélo enfant", "Draisienne", "Porteur", "Tricycle", "Déguisement", "Costume",
           "Masque de carnaval", "Kit de pêche enfant",
           "Bulles de savon", "Jeu de quilles", "Croquet", "Mölkky", "Pétanque enfant", "Bouée", "Brassards", "Matelas gonflable",
           "Rollers enfant", "Skateboard", "Kit de jardinage enfant", "Arc et flèches ventouses", "Panier de basket",
           "But de foot", "Luge",
           "Corde à sauter", "Voiture électrique enfant", "Tipi", "Parure de princesse", "Perruque"],
    brands=["Intex", "Bestway", "Smoby", "Little Tikes", "Step2", "Trigano", "Hudora", "Oxelo", "Decathlon", "Rubie's", "Cesar",
            "Vilac", "Janod", "Ecoiffier", "Berg", "Kinetic", "Sun & Sport", "Mookie", "Small Foot", "Plum", "Soulet", "Rubies",
            "Kids Concept", "Jamara", "Feber", "Injusa"],
    attrs=AGES + ["extérieur", "de jardin", "gonflable", "pliable", "Ø 305 cm", "avec filet", "garçon", "fille", "déguisement enfant",
                  "taille 5-6 ans", "taille 7-8 ans", "Halloween", "Carnaval", "en bois", "12 V"],
    sizes=["Ø 244 cm", "Ø 305 cm", "Ø 366 cm", "Ø 430 cm", "150x150 cm", "12 pouces", "16 pouces", "3-4 ans", "5-6 ans",
           "8-10 ans",
           "Taille M", "Taille S", "2,20 m", "1,8 m", "#### cm"],
    templates=["{type} {brand} {attr} {size}", "{type} {attr} {size}", "{type} {extra} {attr}",
               "Déguisement {extra} {attr} {size}",
               "{brand} {type} {color} {size}", "{type} {attr} - {color}", "{type} {extra} {brand}", "{type} {attr} {attr2}"],
    extra=["Pirate", "Princesse", "Super-héros", "Spider-Man", "Reine des Neiges", "Chevalier", "Sorcière", "Pompier", "Policier",
           "Dinosaure", "Licorne", "Cow-boy", "Indien", "Ninja", "Fée", "Batman", "Pat' Patrouille", "Cars", "Minnie",
           "Tortue Ninja"],
    refs=["####"],
    desc=["Pour jouer en plein air en toute sécurité.", "Filet de protection et coussin de protection inclus.",
          "Charge maximale : 100 kg.",
          "Structure en acier galvanisé traité anti-rouille.", "Déguisement complet : robe, ceinture et couronne.",
          "Lavage à la main uniquement.", "Montage facile, notice fournie.", "Pour les journées à la plage ou au jardin.",
          "Conforme à la norme EN71."],
)

V[1180] = dict(
    types=["Figurine Warhammer 40000", "Space Marines", "Age of Sigmar", "Figurines à peindre", "Figurine 28mm", "Figurine métal",
           "Figurine 15mm", "Miniature de jeu", "Escouade", "Boîte de démarrage", "Codex", "Battletome",
           "Set de peinture Citadel",
           "Peinture Citadel", "Pinceaux", "Socles", "Décor de jeu", "Terrain", "Figurine Blood Bowl", "Équipe Blood Bowl",
           "Figurine Infinity", "Figurine Confrontation", "Figurine D&D", "Miniature Dungeons & Dragons",
           "Figurine Seigneur des Anneaux",
           "Figurine Warmachine", "Tyranides", "Orks", "Eldars", "Nécrons", "Chevaliers Gris", "Stormcast Eternals", "Skavens",
           "Figurines historiques 1/72", "Figurine résine à peindre", "Gamme Kill Team", "Necromunda", "Bolt Action"],
    brands=["Games Workshop", "Citadel", "Forge World", "Warlord Games", "Corvus Belli", "Rackham", "Privateer Press", "Mantic",
            "Wizkids", "Reaper Miniatures", "Army Painter", "Vallejo", "Perry Miniatures", "Gale Force Nine", "Fantasy Flight",
            "Cool Mini or Not", "Battlefront", "Hasslefree", "Andrea Miniatures", "Pegaso"],
    attrs=["à peindre", "non montée", "peinte", "métal", "résine", "plastique", "OOP", "rare", "neuf sous blister", "sur grappe",
           "en boîte", "peinte pro", "version française", "Edition limitée", "28 mm", "54 mm", "75 mm"],
    sizes=["28mm", "32mm", "54mm", "1/72", "1/35", "x5", "x10", "x20", "Lot de ##", "Réf. ##-##", "12 ml", "6 pots"],
    templates=["{type} {brand} {attr}", "{brand} {type} {size} {attr}", "{type} {attr} {size}", "{brand} - {type} - {attr}",
               "Lot {type} {attr}", "{type} {size} {brand}", "Warhammer {type} {attr}", "{type} {extra} {size} {attr}"],
    extra=["Chevalier", "Orque", "Elfe", "Nain", "Dragon", "Squelette", "Sorcier", "Démon", "Guerrier", "Archer", "Paladin",
           "Capitaine", "Gobelin", "Troll", "Vampire", "Mage", "Inquisiteur", "Commissaire", "Dreadnought", "Land Raider"],
    refs=["##-##"],
    desc=["Figurines livrées non montées et non peintes.", "Colle et peinture non incluses.",
          "Pour jeux de figurines et wargames.",
          "Figurine en métal blanc de grande qualité.", "Contient 10 figurines multi-parties en plastique et socles.",
          "Figurine peinte à la main par un peintre professionnel.", "Gamme Citadel.", "Règles de jeu incluses."],
)


def _model1300(rng):
    """Drones, RC vehicles, plastic kits, die-cast miniatures and model trains."""
    u = rng.random()
    col = pick(rng, COLORS)
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

V[1300] = dict(
    gen=_model1300, gen_share=0.8,
    types=["Drone", "Drone avec caméra", "Voiture RC", "Voiture radiocommandée", "Hélicoptère RC", "Avion RC", "Bateau RC",
           "Maquette avion", "Maquette bateau", "Maquette voiture", "Maquette char", "Voiture miniature",
           "Modèle réduit", "Locomotive HO",
           "Wagon HO", "Coffret de train électrique", "Rails", "Batterie LiPo", "Servo", "Radiocommande",
           "Chargeur LiPo", "Moteur brushless",
           "Hélices", "Crawler RC", "Buggy 4x4", "Truggy", "Monster Truck", "Camion RC", "Pelleteuse RC",
           "Kit carrosserie", "Pneus RC",
           "Voiture 1/18", "Moto miniature", "Quadricoptère", "Tracteur miniature", "Circuit Carrera", "Voiture de slot"],
    brands=["DJI", "Parrot", "Syma", "Hubsan", "Revell", "Tamiya", "Airfix", "Heller", "Italeri", "Märklin", "Roco", "Jouef", "Hornby",
            "Norev", "Solido", "Burago", "Maisto", "Minichamps", "Universal Hobbies", "Kyosho", "Traxxas", "HPI Racing", "Carson",
            "T2M", "Hobbytech", "FMS", "E-flite", "Carrera", "Siku", "Eachine", "Wltoys", "Ixo", "Herpa", "Schuco", "Spark"],
    attrs=["1/10", "1/8", "1/18", "1/43", "1/24", "1/72", "1/35", "1/87", "1/48", "1/16", "4WD", "RTR", "brushless", "électrique",
           "thermique", "2,4 GHz", "FPV", "4K", "HD", "échelle HO", "échelle N", "pliable", "GPS", "à monter", "kit"],
    sizes=["1/10", "1/18", "1/43", "1/24", "1/72", "1/35", "1/87", "3S 5000 mAh", "2S 7,4V", "45 km/h", "60 km/h",
           "Réf. ####", "#####"],
    templates=["{type} {brand} {attr} {size}", "{brand} {type} {extra} {attr}", "{type} {attr} {attr2} {color}",
               "{type} {extra} {size} {brand}",
               "{brand} {extra} {size}", "{type} {attr} - {extra}", "{brand} - {type} {size} - Réf. {ref}",
               "{type} {attr} {size} {brand}"],
    extra=["Mavic Pro", "Phantom 4", "Spark", "Bebop 2", "Peugeot 205 GTI", "Renault 5 Turbo", "Ferrari F40",
           "Porsche 911", "Citroën DS",
           "Spitfire", "Rafale", "Mirage 2000", "Tigre", "Titanic", "Bismarck", "Jeep Willys", "Land Rover Defender",
           "Ford Mustang",
           "BB 9004", "TGV", "Micheline", "Yamaha", "Mercedes 300 SL", "Alpine A110", "Porsche 917",
           "Lamborghini Countach", "Panzer IV"],
    refs=["#####", "####"],
    desc=["Prêt à rouler (RTR), batterie et chargeur inclus.", "Caméra 4K stabilisée sur nacelle 3 axes.",
          "Portée de la radio : 100 mètres.",
          "Maquette plastique à monter, colle et peintures non incluses.", "Modèle réduit en métal (die-cast) à l'échelle.",
          "Autonomie de vol : 25 minutes.", "Vitesse maximale : 50 km/h.", "Livré en boîte vitrine.", "Nombre de pièces : 120.",
          "Pour modélistes confirmés."],
)

# --- cards ---------------------------------------------------------------------
POKE = ["Dracaufeu", "Pikachu", "Mewtwo", "Tortank", "Florizarre", "Ectoplasma", "Lugia", "Rayquaza", "Évoli", "Ronflex",
        "Lucario", "Amphinobi", "Mew", "Dracolosse", "Noctali", "Magicarpe", "Léviator", "Arceus", "Zekrom", "Sulfura"]
POKE_SETS = ["Set de Base", "Soleil et Lune", "Ultra Prisme", "Tempête Céleste", "XY Évolutions", "Épée et Bouclier", "Jungle",
             "Fossile", "Team Rocket", "Destinées Occultes", "Ombres Ardentes", "Gardiens Ascendants", "Noir et Blanc",
             "Duo de Choc"]
YGO = ["Magicien Sombre", "Dragon Blanc aux Yeux Bleus", "Exodia le Maudit", "Kuriboh", "Dragon Noir aux Yeux Rouges",
       "Jinzo", "Fille Magicienne Sombre", "Slifer le Dragon Céleste", "Obélisque le Tourmenteur", "Héros Élémentaire Neos"]
MTG = ["Black Lotus", "Jace, the Mind Sculptor", "Liliana of the Veil", "Tarmogoyf", "Serra Angel", "Llanowar Elves",
       "Shivan Dragon", "Lightning Bolt", "Counterspell", "Wrath of God", "Thoughtseize", "Snapcaster Mage"]
MTG_SETS = ["Ixalan", "Dominaria", "Kaladesh", "Innistrad", "Amonkhet", "Ravnica Allegiance", "Modern Horizons", "Core Set 2019",
            "War of the Spark", "Throne of Eldraine", "Alpha", "Revised", "Zendikar"]


def _card1160(rng):
    u = rng.random()
    n, m = int(rng.integers(1, 200)), int(rng.integers(60, 220))
    if u < 0.35:
        p = pick(rng, POKE)
        return pick(rng, [f"Carte Pokémon {p} {n}/{m} {pick(rng, ['Holo', 'Reverse', 'GX', 'EX', 'V', 'VMAX', 'Full Art', 'Rare', 'Commune'])} {pick(rng, POKE_SETS)}",
                          f"Pokémon - {p} {pick(rng, ['GX', 'EX', 'Holo'])} - {n}/{m} - {pick(rng, POKE_SETS)} - VF",
                          f"Lot de {int(rng.integers(10, 300))} cartes Pokémon {pick(rng, ['', 'dont Holo', 'sans double', 'françaises', 'rares'])}",
                          f"Booster Pokémon {pick(rng, POKE_SETS)} {pick(rng, ['', 'scellé', 'VF', 'Français'])}",
                          f"Coffret Pokémon {p} {pick(rng, ['GX', 'EX', 'V'])} {pick(rng, ['', 'Collection Premium', 'Dresseur d’Élite'])}",
                          f"Display 36 Boosters Pokémon {pick(rng, POKE_SETS)}"])
    if u < 0.55:
        y = pick(rng, YGO)
        code = f"{pick(rng, ['LOB', 'SDK', 'MRD', 'DUPO', 'LEDU', 'CT13', 'SDMY', 'LDS1'])}-{pick(rng, ['FR', 'EN', ''])}{n:03d}"
        return pick(rng, [f"Yu-Gi-Oh! {y} {code} {pick(rng, ['Ultra Rare', 'Secret Rare', 'Super Rare', 'Commune', 'Rare'])}",
                          f"Carte Yu-Gi-Oh {y} {code}", f"Lot {int(rng.integers(20, 500))} cartes Yu-Gi-Oh {pick(rng, ['', 'rares', 'VF'])}",
                          f"Yu-Gi-Oh - Deck de Structure {pick(rng, ['Dinosmasher', 'Zombie', 'Lumière Sacrée', 'Cyberse'])}"])
    if u < 0.75:
        c = pick(rng, MTG)
        return pick(rng, [f"Magic The Gathering - {c} - {pick(rng, MTG_SETS)} - {pick(rng, ['VO', 'VF', 'Foil', 'NM', 'Mythique', 'Rare'])}",
                          f"MTG {c} {pick(rng, MTG_SETS)} {pick(rng, ['Foil', 'NM', 'EX'])}",
                          f"Booster Magic {pick(rng, MTG_SETS)} {pick(rng, ['VF', 'VO', 'Draft', 'Collector'])}",
                          f"Deck Magic {pick(rng, ['Planeswalker', 'Commander', 'Duel Deck', 'Challenger'])} {pick(rng, MTG_SETS)}"])
    if u < 0.87:
        return f"{pick(rng, ['Carte Panini', 'Sticker Panini', 'Carte Topps', 'Pochette Panini', 'Album Panini'])} {pick(rng, ['Foot 2019', 'Coupe du Monde 2018', 'Euro 2016', 'Ligue 1 2017-2018', 'Champions League', 'NBA 2018'])} {pick(rng, ['Mbappé', 'Griezmann', 'Messi', 'Ronaldo', 'Neymar', '', 'N° ' + str(n)])}"
    return pick(rng, [f"{pick(rng, ['Dragon Ball Super Card Game', 'Cartes Dragon Ball Z', 'Digimon Card Game', 'Naruto Kayou', 'One Piece Card Game', 'Star Wars Destiny', 'Carte Force Attax', 'Cartes Match Attax'])} {pick(rng, ['Booster', 'Starter Deck', 'Lot de 50', 'Carte Rare', 'Promo', 'Display'])}",
                      f"Protège-cartes {pick(rng, ['Ultra Pro', 'Dragon Shield', 'KMC'])} x{pick(rng, ['50', '60', '100'])} {pick(rng, COLORS)}",
                      f"Classeur {pick(rng, ['9 cases', '4 cases', 'Pokémon', 'Ultra Pro'])} pour cartes à collectionner"])


V[1160] = dict(gen=_card1160, types=["Carte"], brands=["Pokémon"], attrs=["rare"], sizes=["1"], templates=["{type}"],
               desc=["Carte en excellent état (Near Mint), sortie de booster directement sous sleeve.",
                     "Carte authentique, version française.",
                     "Envoi en lettre suivie avec toploader.", "Booster scellé d'usine.",
                     "Cartes en bon état, quelques traces d'usure.",
                     "Jeu de cartes à collectionner.", "Mint condition.", "Voir photos pour l'état."])

# --- baby & kids ----------------------------------------------------------
V[1320] = dict(
    types=["Poussette|3 roues;compacte;dès la naissance", "Poussette canne", "Poussette trio",
           "Biberon|150 ml;260 ml;330 ml;Lot de 2;Lot de 3",
           "Siège auto|groupe 0+/1;groupe 1/2/3;9-18 kg;0-13 kg;Isofix", "Lit bébé|60x120 cm;70x140 cm",
           "Lit parapluie|60x120 cm", "Chaise haute",
           "Transat", "Babyphone", "Écoute-bébé vidéo", "Tire-lait électrique", "Sac à langer", "Porte-bébé",
           "Écharpe de portage",
           "Parc bébé", "Matelas à langer|50x70 cm;45x70 cm", "Table à langer", "Gigoteuse|0-6 mois;6-36 mois;TOG 2.5",
           "Turbulette|0-6 mois;6-36 mois", "Tétine|0-6 mois;6-18 mois;Lot de 2", "Baignoire bébé", "Veilleuse",
           "Mobile musical", "Tapis d'éveil", "Stérilisateur", "Chauffe-biberon", "Robot cuiseur vapeur", "Barrière de sécurité",
           "Coffre à jouets", "Nid d'ange", "Cosy", "Rehausseur", "Thermomètre bébé", "Mouche-bébé", "Couffin", "Berceau cododo",
           "Commode à langer", "Siège de bain", "Trotteur", "Réducteur WC", "Pot bébé", "Doudou", "Attache-tétine"],
    brands=["Chicco", "Bébé Confort", "Maxi-Cosi", "Babymoov", "Béaba", "Philips Avent", "Tommee Tippee", "MAM", "Dr Brown's",
            "Cybex", "Joie", "Britax Römer", "Graco", "Red Castle", "Tigex", "Nuk", "Safety 1st", "Badabulle", "Bebeconfort",
            "Kinderkraft", "Babybjörn", "Ergobaby", "Aubert Concept", "Sauthon", "Trois Kilos Sept", "Bugaboo",
            "Vertbaudet", "Ikea"],
    attrs=["0-6 mois", "0+ mois", "6-18 mois", "groupe 0+/1", "groupe 1/2/3", "Isofix", "naissance", "anti-colique", "sans BPA",
           "pliable", "compact", "réversible", "évolutif", "0-36 mois", "TOG 2.5", "3 roues", "60x120 cm", "70x140 cm", "1ère âge",
           "mixte", "fille", "garçon"],
    sizes=["150 ml", "260 ml", "330 ml", "60x120 cm", "70x140 cm", "0-6 mois", "6-36 mois", "9-18 kg", "0-13 kg",
           "Lot de 2", "Lot de 3"],
    templates=["{type} {brand} {attr} {color}", "{brand} {type} {attr}", "{type} {attr} {size}", "{type} {brand} {size}",
               "{type} {attr} - {color} - {brand}", "Lot de {k} {type} {brand} {size}", "{type} {style} {mat} {attr}",
               "{brand} - {type} {extra} {attr}"],
    extra=["Trio", "Duo", "Evolutif", "Confort", "Naturel", "Easy", "Premium", "Bambino", "Nomad", "City", "Travel", "Ours", "Lapin"],
    refs=["####"],
    desc=["Pour bébé de la naissance à 4 ans.", "Conforme aux normes de sécurité européennes EN 1888.", "Sans bisphénol A.",
          "Homologué ECE R44/04.", "Pliage compact d'une seule main.", "Textile déhoussable et lavable en machine.",
          "Tétine débit lent 0 mois et plus.", "Sommier réglable sur 3 hauteurs.", "Idéal pour la chambre de bébé.",
          "Puériculture : produit neuf."],
)

V[1301] = dict(
    types=["Chaussettes", "Lot de chaussettes", "Body", "Pyjama", "Bonnet", "Chaussons", "Bavoir", "Grenouillère",
           "Ensemble naissance",
           "Collants", "Chaussettes antidérapantes", "Leggings bébé", "Gigoteuse", "Robe bébé", "Cape de bain",
           "Moufles", "Chaussures premiers pas",
           "Baby-foot", "Table de ping-pong", "Jeu de fléchettes", "Cible électronique", "Billard enfant", "Table de jeux 3 en 1",
           "Baby foot enfant", "Balles de baby-foot", "Pupitre enfant", "Bureau enfant", "Chaise enfant",
           "Table d'activités", "Tabouret enfant",
           "Trousse de toilette enfant", "Sac maternelle", "Gourde enfant", "Lunch box"],
    brands=["Petit Bateau", "Absorba", "Sergent Major", "Catimini", "Tape à l'Oeil", "Obaibi", "Kiabi", "Dim", "Nike", "Adidas",
            "Converse Baby", "Bullboxer", "Robeez", "Stones and Bones", "Garlando", "Bonzini", "Cornilleau", "Winmau",
            "Unicorn", "Sulky",
            "Kettler", "Leomark", "Vertbaudet", "Disney Baby", "Steiff"],
    attrs=["bébé", "naissance", "fille", "garçon", "mixte", "coton bio", "antidérapant", "0-3 mois", "3-6 mois", "6-12 mois",
           "12-18 mois", "2 ans", "pointure 16-18", "pointure 19-22", "extérieur", "intérieur", "pliable", "enfant",
           "taille unique"],
    sizes=["Lot de 3", "Lot de 5", "Lot de 6", "Lot de 7", "Pointure 19/22", "Pointure 23/26", "3 mois", "6 mois", "12 mois",
           "18 mois", "24 mois", "0-6 mois", "120x61 cm", "Ø 45 cm"],
    templates=["{type} {attr} {color} {size}", "{brand} {type} {attr} {size}", "{type} {attr} - {brand}",
               "{type} {brand} {color}",
               "{size} {type} {attr} {extra}", "{type} {extra} {attr}", "{type} {attr} {attr2}"],
    extra=["rayures", "motif étoiles", "animaux", "licorne", "dinosaures", "imprimé", "uni", "à pois", "cœurs",
           "fantaisie", "Disney"],
    refs=["####"],
    desc=["80% coton, 17% polyamide, 3% élasthanne.", "Chaussettes douces et confortables pour bébé.",
          "Lavable en machine à 40°.",
          "Picots antidérapants sous la semelle.", "Baby-foot robuste avec barres télescopiques.", "Idéal pour les premiers pas.",
          "Conforme aux normes EN71.", "Plateau de jeu en MDF de 18 mm."],
)

# --- home -----------------------------------------------------------------
V[1560] = dict(
    types=["Matelas|90x190 cm;140x190 cm;160x200 cm;180x200 cm;140x200 cm;Épaisseur 20 cm;Épaisseur 25 cm|à mémoire de forme;ressorts ensachés;mousse;ferme;réversible",
           "Sommier|90x190 cm;140x190 cm;160x200 cm;180x200 cm;140x200 cm|à lattes;tapissier;relevable;électrique",
           "Canapé|3 places;2 places;L 180 cm;L 210 cm|convertible;en velours;en tissu;en simili cuir;scandinave",
           "Canapé d'angle|5 places;L 250 cm;4 places|convertible;réversible;en velours;en tissu;avec méridienne",
           "Canapé convertible|3 places;140x190 cm|clic-clac;BZ;express;en tissu",
           "Armoire|2 portes;3 portes;H 200 cm;L 120 cm|2 portes;3 portes;avec miroir;en pin;en chêne;penderie",
           "Lit|90x190 cm;140x190 cm;160x200 cm;180x200 cm;140x200 cm|en bois massif;en métal;avec tête de lit;avec sommier;en pin;capitonné",
           "Lit double|140x190 cm;160x200 cm;180x200 cm|en bois massif;en métal;avec tête de lit;avec sommier;capitonné",
           "Lit mezzanine|90x190 cm;90x200 cm",
           "Commode|3 tiroirs;4 tiroirs;6 tiroirs|en pin;scandinave;en chêne",
           "Table basse|L 110 cm;Ø 80 cm;100x50 cm|relevable;gigogne;en bois massif;en verre;industriel",
           "Table à manger|6 personnes;8 personnes;L 160 cm;Ø 120 cm;180x90 cm|extensible;en bois massif;en chêne;industriel;scandinave",
           "Chaise|Lot de 2;Lot de 4;Lot de 6|en velours;scandinave;en métal;en bois", "Lot de 4 chaises|",
           "Bureau|L 120 cm;L 140 cm;100x50 cm|d'angle;en bois;industriel;avec rangement",
           "Étagère|5 niveaux;H 180 cm;4 cases|murale;en bois;industriel;en métal", "Bibliothèque",
           "Meuble TV||en chêne;scandinave;industriel;avec rangement;L 160 cm",
           "Buffet||2 portes;3 tiroirs;en chêne;industriel", "Tête de lit|140 cm;160 cm;180 cm", "Fauteuil||en velours;scandinave;en rotin;crapaud;club", "Fauteuil relax||électrique;inclinable;en simili cuir;en tissu;avec repose-pieds", "Banc||en bois massif;de bout de lit;avec rangement;en métal", "Dressing", "Tabouret de bar|Lot de 2;Lot de 4;H 75 cm", "Table de chevet||1 tiroir;2 tiroirs;scandinave;en bois massif", "Console||extensible;en bois massif;en métal;industriel",
           "Vaisselier||en chêne;en pin;2 portes;vitré", "Banquette", "Pouf", "Lit coffre|90x190 cm;140x190 cm;160x200 cm;180x200 cm;140x200 cm|avec sommier relevable;capitonné;en tissu", "Clic-clac|130x190 cm;140x190 cm", "Chiffonnier", "Colonne de salle de bain", "Meuble sous-vasque",
           "Penderie",
           "Surmatelas|90x190 cm;140x190 cm;160x200 cm;180x200 cm;140x200 cm|à mémoire de forme;en latex;moelleux",
           "Oreiller|60x60 cm;50x70 cm;Lot de 2|à mémoire de forme;moelleux;ferme",
           "Couette|140x200 cm;220x240 cm;240x260 cm|tempérée;chaude;légère;4 saisons",
           "Lit enfant|90x190 cm;70x140 cm", "Bahut", "Secrétaire", "Rocking chair"],
    brands=["Conforama", "Ikea", "But", "Maisons du Monde", "Alinea", "Vente-unique", "Sweeek", "Bestmobilier",
            "Dreamea", "Simmons",
            "Bultex", "Dunlopillo", "Tempur", "Emma", "Epeda", "Merinos", "Hbcollection", "Gami", "Parisot", "Demeyere",
            "Vidaxl", "Homcom",
            "Atmosphera", "Beliani", "Kasalinea", "Kit Chic"],
    attrs=["en " + m.lower() for m in ["Bois Massif", "Chêne", "Pin", "Métal", "Velours", "Tissu", "Simili Cuir", "Rotin", "Verre"]]
          + ["avec rangement", "scandinave", "industriel", "design", "vintage", "moderne", "en kit", "laqué"],
    sizes=["L 120 cm", "L 180 x P 90 x H 75 cm", "H 180 cm", "L.160 x P.40 x H.50 cm", "L 80 cm", "H 75 cm", "80x80 cm",
           "L###cm", "L 100 x P 40 x H 45 cm"],
    templates=["{type} {attr} {size}", "{type} {style} {mat} {color}", "{type} {attr} {color} - {size}",
               "{brand} {type} {attr} {size}",
               "{type} {extra} {attr}", "{type} {mat} {style} {size}", "{extra} - {type} {attr} {color}",
               "{type} {attr} {attr2} {color}",
               "Ensemble Sommier + Matelas {attr} 140x190 cm", "Ensemble Matelas + Sommier 160x200 cm {brand}",
               "Lot de 2 {type} {attr}"],
    extra=["OSLO", "NAPOLI", "Malmö", "Tokyo", "Helsinki", "Brooklyn", "Manhattan", "Milano", "Alma", "Luna",
           "Stockholm", "Detroit",
           "Florence", "Rio", "Bergen", "Calvi", "Hemnes", "Billy", "Malm", "Kallax"],
    refs=["####"],
    desc=["Meuble livré en kit, notice de montage incluse.", "Structure en panneaux de particules mélaminés.",
          "Matelas ferme, accueil moelleux.",
          "Densité 35 kg/m³.", "Revêtement déhoussable.", "Pieds en bois de hêtre massif.",
          "Dimensions : L 200 x P 90 x H 85 cm.",
          "Style scandinave tendance.", "Garantie 5 ans.", "Idéal pour le salon ou la chambre."],
)

V[1920] = dict(
    types=["Housse de couette|240x220 cm;260x240 cm;140x200 cm;200x200 cm",
           "Parure de lit|240x220 cm;260x240 cm;140x200 cm", "Coussin|45x45 cm;40x40 cm;60x60 cm;30x50 cm",
           "Housse de coussin|45x45 cm;40x40 cm;Lot de 4;50x50 cm", "Taie d'oreiller|65x65 cm;50x70 cm;Lot de 2",
           "Rideaux|140x260 cm;135x240 cm;140x240 cm", "Voilage|140x240 cm;300x240 cm",
           "Paire de rideaux|140x260 cm;135x240 cm",
           "Housse de canapé", "Drap housse|90x190 cm;140x190 cm;160x200 cm", "Drap plat",
           "Plaid|125x150 cm;180x220 cm;130x170 cm", "Jeté de canapé", "Nappe|150x250 cm;Ø 180 cm;140x240 cm",
           "Chemin de table", "Serviette de bain|50x100 cm;70x140 cm;Lot de 2",
           "Drap de bain|70x140 cm;90x150 cm", "Peignoir", "Couvre-lit", "Boutis", "Housse de chaise", "Tapis de bain",
           "Rideau de douche", "Torchon", "Set de table",
           "Protège-matelas", "Store enrouleur", "Rideau occultant", "Housse de clic-clac", "Coussin de sol",
           "Galette de chaise", "Plaid polaire",
           "Linge de lit", "Housse extensible"],
    brands=["Linvosges", "Blanc des Vosges", "Becquet", "Carré Blanc", "Tradilinge", "Essix", "Atmosphera",
            "Home Maison", "Soleil d'Ocre",
            "Dodo", "Anne de Solène", "Lovely Casa", "Madura", "Douceur d'Intérieur", "Today", "Catherine Lansfield",
            "Linge Particulier",
            "Fleuri", "Vent du Sud", "Sans marque"],
    attrs=["100% coton", "coton lavé", "percale", "satin de coton", "microfibre", "polyester", "lin lavé", "velours", "occultant",
           "imprimé", "uni", "brodé", "réversible", "extensible", "imperméable", "à œillets", "à pattes", "bohème", "tie and dye",
           "motif géométrique", "fleuri", "jacquard", "ethnique", "gaufré"],
    sizes=["240x220 cm", "260x240 cm", "140x200 cm", "200x200 cm", "45x45 cm", "40x40 cm", "60x60 cm", "65x65 cm", "50x70 cm",
           "140x260 cm", "135x240 cm", "150x250 cm", "90x190 cm", "160x200 cm", "70x140 cm", "Lot de 2", "Lot de 4",
           "125x150 cm"],
    templates=["{type} {attr} {color} {size}", "{type} {size} {attr} {color}", "{brand} {type} {attr} {size}",
               "Lot de {k} {type} {size}",
               "{type} {extra} {attr}", "{type} {extra} - {size} - {color}", "{type} {attr} {attr2} {size}",
               "{type} {style} {color}"],
    extra=["Tropical", "Flamant Rose", "Mandala", "Ananas", "Palmier", "Boho", "Provence", "Montagne", "Noël", "Marbre",
           "Feuillage",
           "Chevrons", "Rayures Marinières", "Étoiles", "Zen", "Fleurs de cerisier", "Cactus", "Ours polaire"],
    refs=["####"],
    desc=["Lavable en machine à 40°C.", "Tissu doux et résistant, coloris grand teint.",
          "Housse de couette avec fermeture zippée.",
          "Composition : 100% polyester.", "Rideau prêt à poser avec 8 œillets métal.", "Coussin garnissage inclus.",
          "Taies d'oreiller assorties.", "Repassage facile.", "Apporte une touche déco à votre intérieur.",
          "Oeko-Tex Standard 100."],
)

V[2060] = dict(
    types=["Lampe de chevet|H 45 cm|E27;E14;tactile;LED;en céramique", "Lampe à poser",
           "Lampadaire|H 160 cm;180 cm|LED;industriel;scandinave;en métal", "Suspension", "Applique murale",
           "Sticker mural|60x90 cm;50x50 cm|autocollant;adhésif;phosphorescent", "Stickers",
           "Cadre photo|10x15 cm;13x18 cm;20x30 cm|en bois;en métal doré;vintage",
           "Pêle-mêle", "Miroir", "Miroir rond|Ø 50 cm;Ø 80 cm;Ø 30 cm|en rotin;en métal doré;scandinave",
           "Bougie parfumée||à la vanille;en verre;au monoï;bois de santal|Yankee Candle;Atmosphera;Maisons du Monde",
           "Photophore", "Horloge murale|Ø 30 cm;Ø 50 cm;Ø 80 cm|silencieuse;XXL;vintage", "Pendule", "Vase",
           "Guirlande lumineuse|5 m;10 m;20 LED;100 LED|LED;à piles;USB;de Noël",
           "Tableau toile", "Toile imprimée", "Plante artificielle", "Fleurs artificielles", "Statue",
           "Statuette Bouddha", "Boîte de rangement",
           "Panier", "Diffuseur d'huiles essentielles", "Lanterne", "Bougeoir",
           "Sapin de Noël artificiel|180 cm;210 cm;150 cm|enneigé;lumineux;de Noël",
           "Boule de Noël|Lot de 12;Lot de 24;Ø 8 cm|de Noël;dorée", "Décoration de Noël",
           "Couronne de Noël", "Lettre lumineuse", "Néon LED", "Tapisserie murale", "Papier peint", "Attrape-rêves",
           "Cache-pot", "Vide-poche",
           "Porte-manteau", "Ruban LED", "Lampe de sel", "Plateau décoratif", "Objet décoratif"],
    brands=["Maisons du Monde", "Atmosphera", "Hema", "Kare Design", "Zara Home", "Yankee Candle", "Philips Hue",
            "Lexon", "Amadeus",
            "Jardin d'Ulysse", "Lisa Rose", "Ambiance Sticker", "Wall Art", "Pomax", "Bloomingville", "Sema Design",
            "Lumisky", "Lyon Béton",
            "Present Time", "Karlsson", "Brilliant", "Eglo", "Lucide", "Ikea", "Nordal"],
    attrs=["LED", "à piles", "USB", "en bois", "en métal doré", "en céramique", "en verre", "en rotin", "en laiton", "scandinave",
           "industriel", "vintage", "bohème", "moderne", "art déco", "autocollant", "adhésif", "XXL", "lumineux", "tactile", "rétro",
           "phosphorescent", "décoratif", "de Noël"],
    sizes=["Ø 30 cm", "Ø 50 cm", "Ø 80 cm", "H 45 cm", "H 160 cm", "60x90 cm", "40x60 cm", "100x70 cm", "10x15 cm",
           "13x18 cm", "20x30 cm",
           "5 m", "10 m", "20 LED", "100 LED", "180 cm", "210 cm", "50x50 cm", "E27", "E14"],
    templates=["{type} {attr} {color} {size}", "{type} {style} {mat} {size}", "{brand} {type} {attr}",
               "{type} {extra} {attr} {size}",
               "{type} {attr} - {extra} - {size}", "Lot de {k} {type} {attr}", "{type} {extra} {color}", "{type} {attr} {attr2}"],
    extra=["Arbre de vie", "Tour Eiffel", "New York", "Citation", "Flamant rose", "Feuilles tropicales", "Lune",
           "Étoiles", "Cœur",
           "Love", "Home Sweet Home", "Cerf", "Buddha", "Mandala", "Vintage", "Paris", "Carte du monde", "Éléphant", "Plumes", "Bambou"],
    refs=["####"],
    desc=["Ampoule non fournie.", "Apporte une ambiance chaleureuse à votre intérieur.",
          "Sticker facile à poser et repositionnable.",
          "Cadre photo en bois naturel.", "Bougie parfumée à la vanille, 40 heures de combustion.",
          "Fonctionne avec 3 piles AA (non fournies).",
          "Miroir mural au style vintage.", "Décoration murale pour salon, chambre ou bureau.", "Idée cadeau déco."],
)

V[2582] = dict(
    types=["Salon de jardin", "Table de jardin", "Parasol", "Parasol déporté", "Chaise longue", "Bain de soleil",
           "Transat de jardin",
           "Hamac", "Tonnelle", "Pergola", "Banc de jardin", "Balancelle", "Fauteuil de jardin", "Chaise de jardin",
           "Lot de 4 chaises de jardin",
           "Coussin de jardin", "Voile d'ombrage", "Pied de parasol", "Housse de salon de jardin", "Ensemble repas de jardin",
           "Canapé de jardin", "Salon bas de jardin", "Table pliante", "Fauteuil suspendu", "Mange-debout", "Coffre de jardin",
           "Chaise pliante", "Desserte de jardin", "Banquette d'extérieur", "Table basse de jardin", "Paravent",
           "Brise-vue", "Tente de réception"],
    brands=["Hespéride", "Oviala", "Jardiline", "Proloisirs", "Dcb Garden", "Hesperide", "Keter", "Allibert",
            "Grosfillex", "Fermob",
            "Lafuma", "Trigano", "Concept Usine", "Sweeek", "Outsunny", "Mobilier Deco", "Vidaxl", "Garden Impressions",
            "Jardin Privé",
            "Habitat et Jardin", "Ubbink Garden", "Greenwood"],
    attrs=["en résine tressée", "en aluminium", "en teck", "en acacia", "en acier", "en bois d'eucalyptus",
           "en polyrotin", "pliant",
           "inclinable", "extensible", "4 places", "6 places", "8 personnes", "anti-UV", "imperméable", "réglable", "empilable",
           "avec coussins", "inclinable et pliable", "autoportant", "déperlant"],
    sizes=["Ø 3 m", "3x3 m", "3x4 m", "2x3 m", "Ø 350 cm", "180x90 cm", "220x100 cm", "Ø 120 cm", "4 places",
           "8 places", "200 x 100 cm",
           "3x6 m", "L 150 cm", "5 pièces", "7 pièces"],
    templates=["{type} {attr} {color} {size}", "{type} {attr} {size}", "{brand} {type} {extra} {attr}",
               "{type} {extra} {attr} {color}",
               "{type} {attr} {attr2} - {color}", "{brand} - {type} {size} {color}", "{type} {size} {attr}",
               "Lot de {k} {type} {attr}"],
    extra=["Miami", "Bahia", "Palma", "Ibiza", "Lisboa", "Capri", "Santorin", "Luxor", "Bali", "Cancun", "Corfou",
           "Arezzo", "Bistro", "Luxembourg"],
    refs=["####"],
    desc=["Idéal pour profiter de votre jardin ou terrasse.", "Résiste aux intempéries et aux UV.",
          "Toile en polyester 180 g/m².",
          "Structure en aluminium traité époxy.", "Coussins déhoussables inclus.",
          "Se replie facilement pour le rangement hivernal.",
          "Table avec trou de parasol.", "Mobilier d'extérieur facile d'entretien.", "Livré avec housse de protection."],
)

V[2585] = dict(
    types=["Tondeuse thermique", "Tondeuse électrique", "Robot tondeuse", "Taille-haie", "Perceuse visseuse",
           "Perceuse à percussion",
           "Scie circulaire", "Scie sauteuse", "Tuyau d'arrosage", "Enrouleur de tuyau", "Pulvérisateur", "Sécateur",
           "Coffret d'outils",
           "Caisse à outils", "Échelle", "Escabeau", "Ponceuse", "Meuleuse", "Nettoyeur haute pression",
           "Débroussailleuse", "Souffleur",
           "Aspirateur souffleur", "Serre de jardin", "Composteur", "Programmateur d'arrosage", "Brouette",
           "Niveau laser", "Tronçonneuse",
           "Pompe d'arrosage", "Pompe vide-cave", "Abri de jardin", "Scarificateur", "Motobineuse", "Coupe-bordure",
           "Tournevis", "Marteau",
           "Clé à choc", "Jeu de clés", "Établi", "Lampe frontale", "Rallonge électrique", "Cisaille", "Râteau",
           "Bêche", "Arrosoir",
           "Récupérateur d'eau", "Poste à souder", "Compresseur", "Défonceuse", "Mètre ruban", "Visserie", "Cheville",
           "Batterie 18V", "Chargeur"],
    brands=["Bosch", "Makita", "DeWalt", "Black+Decker", "Ryobi", "Einhell", "Stanley", "Facom", "Gardena", "Kärcher",
            "Husqvarna",
            "Stihl", "Worx", "Fiskars", "Hozelock", "Greenworks", "Parkside", "Metabo", "Hitachi", "Milwaukee",
            "Dexter", "Outiror",
            "Wolf Garten", "Castorama", "Leroy Merlin", "Dremel", "Festool", "Hyundai", "Scheppach", "Ozaki"],
    attrs=["sans fil", "18V", "36V", "Li-Ion", "1200W", "2000W", "800W", "thermique", "électrique", "à batterie", "professionnel",
           "tractée", "autoportée", "3 en 1", "télescopique", "brushless", "avec 2 batteries", "en aluminium",
           "renforcé", "anti-torsion",
           "à gâchette", "auto-enroulable"],
    sizes=["46 cm", "40 cm", "25 m", "50 m", "15 m", "5 L", "16 L", "4 marches", "3 x 9 marches", "2,5 m", "140 bars", "150 bars",
           "2 Ah", "4 Ah", "Ø 15 mm", "125 mm", "230 mm", "190 mm", "108 pièces", "250 pièces", "300 L", "###W", "10 m²", "6 m²"],
    templates=["{type} {brand} {attr} {size}", "{brand} {type} {attr}", "{type} {attr} {size}",
               "{brand} - {type} {attr} {attr2} - {ref}",
               "{type} {attr} {attr2}", "Lot de {k} {type} {brand}", "{type} {brand} {size} {color}",
               "{brand} {ref} {type} {attr}"],
    refs=["GSR ##-2 LI", "DHP###Z", "K# Full Control", "R18DD#", "DCD###N", "#####", "HR####", "TE-CD ##/2"],
    desc=["Livré avec 2 batteries et chargeur rapide.", "Moteur puissant pour une tonte parfaite.", "Largeur de coupe : 46 cm.",
          "Poignée ergonomique antidérapante.", "Idéal pour les travaux de bricolage et de jardinage.",
          "Garantie 3 ans constructeur.",
          "Coffret de transport inclus.", "Tuyau renforcé anti-UV et anti-vrille.", "Pression maximale : 140 bars.",
          "Outil électroportatif de qualité professionnelle."],
)

V[2522] = dict(
    types=["Stylo bille|Lot de 10;x50;Boîte de 20|pointe moyenne;pointe fine;1 mm|Bic;Pilot;Papermate;Schneider",
           "Lot de stylos", "Stylo plume",
           "Cahier|96 pages;192 pages|A4;24x32;17x22;Seyès;petits carreaux;grands carreaux|Clairefontaine;Oxford;Herlitz",
           "Agenda||2019-2020;2020;semainier;journalier;scolaire;A5|Quo Vadis;Exacompta;Oxford;Moleskine",
           "Cartouche d'encre||compatible;XL;noir;couleur;haute capacité|HP;Canon;Epson;Brother",
           "Toner||compatible;noir;haute capacité|HP;Brother;Canon",
           "Classeur||A4;dos 40 mm;4 anneaux;levier|Exacompta;Oxford;Leitz;Elba",
           "Feutres|x12;x24;Pochette de 18|pointe fine;lavables|Stabilo;Maped;Bic;Staedtler",
           "Crayons de couleur|x12;x24;x36|aquarellables|Faber-Castell;Staedtler;Maped;Stabilo", "Trousse", "Carnet",
           "Bloc-notes", "Ramette papier A4|500 feuilles|80 g;90 g;blanc|Clairefontaine;Navigator;Office Depot",
           "Post-it", "Agrafeuse", "Calculatrice||scientifique;graphique;de bureau|Casio;Texas Instruments",
           "Étiquettes", "Enveloppes", "Surligneurs", "Correcteur", "Gomme", "Taille-crayon", "Règle", "Compas",
           "Pochettes plastiques",
           "Chemise à élastiques", "Porte-documents", "Marqueurs", "Roller gel", "Recharge", "Calendrier",
           "Cahier de texte", "Copies doubles",
           "Papier photo", "Ruban adhésif", "Pochette cartonnée", "Trieur", "Planning mural", "Bullet journal", "Carnet de notes", "Feuilles mobiles"],
    brands=["Bic", "Stabilo", "Pilot", "Parker", "Clairefontaine", "Oxford", "Exacompta", "Quo Vadis", "Moleskine",
            "HP", "Canon", "Epson",
            "Brother", "Maped", "Faber-Castell", "Staedtler", "Post-it 3M", "Avery", "Leitz", "Casio",
            "Texas Instruments", "Papermate",
            "Schneider", "Herlitz", "Tipp-Ex", "Uni-ball", "Lamy", "Sharpie", "Office Depot", "Elba"],
    attrs=["A4", "A5", "A6", "24x32", "17x22", "96 pages", "192 pages", "Seyès", "petits carreaux", "grands carreaux", "ligné",
           "pointe moyenne", "pointe fine", "effaçable", "rechargeable", "compatible", "XL", "haute capacité", "noir", "couleur",
           "2019-2020", "2020", "semainier", "journalier", "scolaire", "80 g", "90 g"],
    sizes=["Lot de 10", "Lot de 4", "x12", "x24", "x50", "500 feuilles", "100 feuilles", "1 mm", "0,7 mm", "0,5 mm", "Pack de 5",
           "Boîte de 20", "XL", "###", "##A", "T####"],
    templates=["{type} {brand} {attr} {size}", "{brand} {type} {attr} {color}", "{type} {attr} {attr2} {size}",
               "{type} compatible {brand} {ref}",
               "Cartouche d'encre compatible {brand} {ref} {attr}", "{type} {brand} {extra} {attr}",
               "{brand} - {type} {size} - {color}",
               "{type} {attr} {extra}", "Lot de {k} {type} {brand}"],
    refs=["301 XL", "302", "303 XL", "304", "920 XL", "950/951", "PG-545", "CL-546", "PGI-580", "T0715", "T1285", "29XL", "603XL",
          "LC-223", "TN-2420", "TN-2010", "CE285A", "16XL", "502XL"],
    extra=["Harry Potter", "licorne", "kraft", "mandala", "Tour Eiffel", "fleuri", "marbre", "Disney", "Star Wars",
           "personnalisé",
           "Citation", "Cactus", "ananas", "Minnie", "géométrique"],
    desc=["Cartouche d'encre compatible, qualité d'impression équivalente à l'original.", "Rendement : environ 300 pages.",
          "Papier 90 g, reliure intégrale.", "Encre à séchage rapide.", "Convient pour l'école, le bureau et la maison.",
          "Agenda 1 jour par page, de septembre à août.", "Couverture rigide, fermeture élastique.",
          "Fournitures scolaires de qualité.",
          "Puce réinitialisée, niveau d'encre affiché."],
)

assert set(V) == set(CODES), sorted(set(CODES) ^ set(V))

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


TOP = 8
# Neighbouring categories whose listings genuinely look alike on the marketplace.
RELATED = {10: [2705, 2403, 2280], 2705: [10, 2403], 2403: [10, 2705, 2280], 2280: [2403, 2705, 10],
           1280: [1281, 1140, 1302], 1281: [1280, 1160], 1140: [1280, 1180], 1302: [1280, 2583],
           1180: [1300, 1140], 1300: [1180, 1280], 40: [2462, 2905], 2462: [40, 60, 50], 60: [2462, 50],
           50: [2462, 60], 2905: [40], 1160: [1281], 1320: [1301, 1280], 1301: [1320, 1281],
           1560: [2582, 1920], 2582: [1560, 2585], 1920: [2060, 1560], 2060: [1920, 1560], 2585: [2582, 2583],
           2583: [1302, 2585], 2522: [10], 2220: [1920], 1940: [2060]}
BORROW_DEFAULT = 0.04
BORROW = {10: 0.12, 2705: 0.12, 2403: 0.10, 2280: 0.06, 1280: 0.12, 1281: 0.08, 1140: 0.10, 1302: 0.10,
          1180: 0.12, 1300: 0.06, 40: 0.10, 2462: 0.14, 60: 0.10, 50: 0.08, 2905: 0.06}

PAYSAGES = ["Paysage de montagne", "Tour Eiffel", "Chats", "Venise", "Coucher de soleil", "Disney Classics", "Carte du monde",
            "Van Gogh - Nuit étoilée", "Village de Noël", "New York", "Animaux de la ferme", "Fleurs", "Monet",
            "Phare breton", ""]
EXTS = ["Marins", "Villes et Chevaliers", "Auberges et Cathédrales", "Odyssey", "Leaders", "Cities", "Harbor", "Europe 1912",
        "Daybreak", "Le Comte", "Big Box", "Quest"]


def template_title(code: int, rng: np.random.Generator) -> str:
    v = V[code]
    tpl = pick(rng, v["templates"])
    ref = fill_digits(rng, pick(rng, v.get("refs", ["####"])))
    types = v["types"]
    # the first TOP types of each list are the category's best sellers: drawn more often
    typ = pick(rng, types[:TOP] if rng.random() < 0.35 else types)
    size = pick(rng, v["sizes"])
    attrs, brands = v["attrs"], v["brands"]
    if "|" in typ:  # "Type|sizes|qualifiers|brands" (";"-separated): what fits this product type
        typ, own, *rest = typ.split("|")
        if own and rng.random() < 0.85:
            size = pick(rng, own.split(";"))
        if rest and rest[0] and rng.random() < 0.85:
            attrs = rest[0].split(";")
        if len(rest) > 1 and rest[1] and rng.random() < 0.9:
            brands = rest[1].split(";")
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
        paysage=pick(rng, PAYSAGES), ext=pick(rng, EXTS), type2=pick(rng, v['types']).split('|')[0],
    )
    _LAST.clear()
    _LAST.update(fields)
    return clean(tpl.format(**fields))


HOME_CODES = {1560, 1920, 2060, 2582, 1320}
_LAST: dict = {}  # fields of the last template title, reused by its description

# English titles as posted by international sellers (a few per category)
EN_TITLES = {
    1920: ["Cushion Cover {size} Throw Pillow Case {color}", "Linen Sofa Cushion Cover Home Decor {size}", "Blackout Curtains {size} Thermal Insulated"],
    2060: ["Wall Sticker Home Decor Living Room {color}", "LED String Lights {size} Fairy Lights", "Nordic Table Lamp Bedroom Bedside {color}"],
    1280: ["Plush Toy Stuffed Animal {size} Kids Gift", "Building Blocks Set Kids Toy {size}", "RC Car Toy for Kids {color}"],
    1300: ["RC Drone with 4K HD Camera WiFi FPV Foldable Quadcopter", "1/10 RC Car 4WD Off-Road Truck 2.4GHz", "RC Helicopter 3.5CH Gyro {color}"],
    1320: ["Baby Bottle {size} Anti-Colic", "Baby Stroller Organizer Bag {color}", "Baby Monitor Video Night Vision"],
    1301: ["Baby Socks Non-Slip Cotton {size}", "Newborn Baby Romper Cotton {color}", "Kids Table Football Soccer Game"],
    2522: ["A5 Notebook Dotted Journal {color}", "Gel Pen Set {size} Colors", "Compatible Ink Cartridge for HP {ref}"],
    2585: ["Cordless Drill Driver 18V Li-Ion", "Garden Hose Expandable {size}", "Pruning Shears Garden Tool"],
    2583: ["Swimming Pool Cover Solar {size}", "Pool Cleaning Brush Head", "Inflatable Hot Tub Spa {size}"],
    2220: ["Dog Harness No Pull {size}", "Cat Scratching Post Tree Tower", "Pet Bed for Dogs and Cats {color}"],
    1140: ["Funko Pop! Vinyl Figure {char}", "Anime Figure {char} PVC Collectible {size}", "{lic} Coffee Mug {size}"],
    1560: ["Modern Sofa Bed Fabric {color}", "Wooden Bookshelf 5 Tiers", "Office Chair Ergonomic {color}"],
    2582: ["Garden Furniture Set Rattan {color}", "Patio Umbrella {size} Outdoor", "Hammock with Stand {color}"],
}


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


GENERIC_DESC = ["Expédition rapide et soignée.", "Produit neuf, emballage d'origine.", "Très bon état.",
                "Envoi sous 48h.", "Photos non contractuelles.", "Article d'occasion en bon état général.",
                "Satisfait ou remboursé.", "Livraison offerte dès 2 articles.", "Vendu par un professionnel.",
                "N'hésitez pas à consulter mes autres annonces.", "Dimensions indicatives.",
                "Couleur pouvant légèrement varier selon l'écran."]


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


FORBIDDEN_TITLES = {"Le Rouge et le Noir - Stendhal", "Paris Match N° 3456", "Pompe à chaleur piscine 9 kW",
                    "Croquettes pour chat adulte stérilisé 10 kg", "Monopoly Classique"}
FORBIDDEN_TITLES |= {t.lower() for t in FORBIDDEN_TITLES} | {t.upper() for t in FORBIDDEN_TITLES}


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
