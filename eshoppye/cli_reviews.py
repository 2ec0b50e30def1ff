"""``eshoppye reviews status | export``: the review queue from the command line.

The subcommands are added to the main parser by :mod:`eshoppye.cli`; the work is done by
:mod:`eshoppye.review`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="reviews_command", metavar="ACTION")
    sub.required = True
    s = sub.add_parser("status", help="où est la base et combien de produits sont revus")
    s.set_defaults(func=_cmd_status)
    e = sub.add_parser("export", help="écrire les produits corrigés au format du challenge (X/Y CSV + images)")
    e.add_argument("--out", required=True, help="dossier de sortie (réutilisable par eshoppye train --extra)")
    e.add_argument("--with-confirmed", action="store_true",
                   help="exporter aussi les produits dont la catégorie a été confirmée")
    e.set_defaults(func=_cmd_export)


def _cmd_status(args) -> int:
    from eshoppye.review import store
    from eshoppye.review.db import describe

    done, total = store.progress()
    print(f"base de révision: {describe()}")
    print(f"{done} / {total} revus")
    return 0


def _cmd_export(args) -> int:
    from eshoppye.review.export import export_reviews

    summary = export_reviews(Path(args.out), with_confirmed=args.with_confirmed)
    print(f"{summary.products} produit(s) exporté(s) ({summary.corrected} corrigé(s), "
          f"{summary.confirmed} confirmé(s), {summary.with_image} avec image) -> {summary.out_dir}")
    if not summary.products:
        print("aucun produit corrigé pour l'instant : revoyez la file dans la page Révision de l'application")
    return 0
