"""The ``eshoppye`` command line: train, evaluate, predict and manage models.

Heavy libraries (scikit-learn, TensorFlow) are imported inside the commands, so that
``eshoppye --help`` answers at once. Every expected failure ends in one line on stderr
and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from eshoppye import __version__
from eshoppye.errors import EshoppyeError

TEXT_MODELS = ("text-tfidf", "text-bilstm", "text-embed")
IMAGE_MODELS = ("image-effnet",)
FUSION_MODELS = ("fusion-late", "fusion-concat")
ALL_MODELS = TEXT_MODELS + IMAGE_MODELS + FUSION_MODELS


def _data_default() -> str:
    from eshoppye.config import default_data_dir

    return str(default_data_dir())


def _model_list(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    if names == ["all"]:
        return list(ALL_MODELS)
    bad = [n for n in names if n not in ALL_MODELS]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"modèle inconnu: {', '.join(bad) or value!r} (choix: {', '.join(ALL_MODELS)}, all)"
        )
    return names


def _threshold(value: str) -> float:
    try:
        x = float(value.replace(",", "."))
    except ValueError:
        x = float("nan")
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(f"seuil invalide {value!r} (nombre entre 0 et 1, ex. 0.6)")
    return x


_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "options": "options",
    "positional arguments": "arguments positionnels",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "expected one argument": "une valeur attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}


def _french_argparse() -> None:
    """argparse's own words (usage, error, required arguments…) in French like every other message.

    argparse looks its texts up through the module-level ``_`` (gettext) at call time; the CLI
    wraps it with a table of the texts a user meets. Called once by :func:`build_parser`."""
    original = getattr(argparse, "_eshoppye_original_gettext", argparse._)
    argparse._eshoppye_original_gettext = original
    argparse._ = lambda text: _ARGPARSE_FR.get(text, original(text))


def build_parser() -> argparse.ArgumentParser:
    _french_argparse()
    p = argparse.ArgumentParser(
        prog="eshoppye",
        description="Classification multimodale de produits Rakuten France (texte + image).",
        epilog="Attention : --models désigne des NOMS de modèles pour train, et un DOSSIER de modèles "
               "pour evaluate et predict. Aide d'une commande : eshoppye COMMANDE --help.",
    )
    p.add_argument("--version", action="version", version=f"eshoppye {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMANDE", title="commandes")
    sub.required = True

    t = sub.add_parser("train", help="entraîner des modèles sur les données du challenge")
    t.add_argument("--data", default=None, help="dossier des données (défaut: ESHOPPYE_DATA_DIR ou data/sample)")
    t.add_argument("--models", type=_model_list, default=list(TEXT_MODELS), metavar="NOMS",
                   help=f"NOMS des modèles à entraîner (ici --models n'est pas un dossier), séparés par des "
                        f"virgules, parmi {', '.join(ALL_MODELS)} ou 'all' ; sans --models : les trois modèles "
                        f"texte ({', '.join(TEXT_MODELS)})")
    t.add_argument("--out", default="models", help="dossier de sortie des modèles (défaut: models/)")
    t.add_argument("--strict", action="store_true", help="toute image manquante est une erreur")
    t.add_argument("--limit", type=int, default=None, help="n'utiliser que N produits (essais rapides)")
    t.add_argument("--metrics", default=None, help="fichier metrics.json à mettre à jour (défaut: reports/metrics.json)")
    t.add_argument("--extra", default=None, metavar="DOSSIER",
                   help="produits supplémentaires au format du challenge (ex. eshoppye reviews export), "
                        "ajoutés à la partie entraînement seulement")
    t.add_argument("--no-prototypes", dest="prototypes", action="store_false",
                   help="ne pas ajouter les prototypes de catégories à l'entraînement des modèles texte")
    t.set_defaults(func=_cmd_train)

    e = sub.add_parser("evaluate", help="évaluer des modèles entraînés (F1 pondéré officiel)")
    e.add_argument("--data", default=None)
    e.add_argument("--models", default="models", metavar="DOSSIER",
                   help="DOSSIER des modèles entraînés (défaut : models/ ; les modèles fournis avec eShopPye "
                        "si ce dossier n'existe pas ici)")
    e.add_argument("--out", default=None, help="fichier de sortie (défaut: reports/metrics.json)")
    e.add_argument("--split", default="test", choices=("val", "test"))
    e.add_argument("--strict", action="store_true")
    e.add_argument("--limit", type=int, default=None)
    e.add_argument("--update-manifest", action="store_true",
                   help="inscrire ces métriques dans DOSSIER/manifest.json (sinon le manifeste n'est pas modifié)")
    e.set_defaults(func=_cmd_evaluate)

    r = sub.add_parser("predict", help="classer des produits d'un fichier CSV")
    r.add_argument("--models", default="models", metavar="DOSSIER",
                   help="DOSSIER des modèles entraînés (défaut : models/ ; les modèles fournis avec eShopPye "
                        "si ce dossier n'existe pas ici)")
    r.add_argument("--input", required=True, help="CSV avec designation, description?, productid?, imageid?, image_path?")
    r.add_argument("--images", default=None, help="dossier des images (nommage du challenge)")
    r.add_argument("--output", required=True, help="CSV de sortie")
    r.add_argument("--only", type=_model_list, default=None, help="n'utiliser que ces modèles")
    r.add_argument("--review-below", type=_threshold, default=None, metavar="SEUIL",
                   help="mettre en file de révision les produits de confiance inférieure à SEUIL (ex. 0.6)")
    r.set_defaults(func=_cmd_predict)

    v = sub.add_parser("reviews", help="file de révision: état, export des corrections")
    from eshoppye.cli_reviews import add_subcommands as add_review_commands

    add_review_commands(v)

    m = sub.add_parser("models", help="registre des modèles: list, pull, verify, publish")
    try:
        from eshoppye.cli_models import add_subcommands
    except ImportError:  # registry not available in this build
        m.set_defaults(func=lambda a: _fail("registre des modèles indisponible"))
    else:
        add_subcommands(m)
    return p


def _fail(msg: str) -> int:
    print(f"eshoppye: erreur: {msg}", file=sys.stderr)
    return 2


def _models_dir(value: str) -> Path:
    """The models folder of ``--models``: as given, or, for the default ``models`` when there is no
    such folder here, the models bundled with eShopPye (like ``--data`` falls back to the sample).
    Says where it looked when neither holds a model."""
    from eshoppye.config import BUNDLED_MODELS_DIR

    given = Path(value).expanduser()
    if any(given.glob("*/model.json")):
        return given
    if value == "models" and any(BUNDLED_MODELS_DIR.glob("*/model.json")):
        return BUNDLED_MODELS_DIR
    looked = [str(given.resolve())] + ([str(BUNDLED_MODELS_DIR)] if value == "models" else [])
    raise EshoppyeError(f"aucun modèle : dossier introuvable ou vide (cherché dans : {', '.join(looked)}) ; indiquez le dossier "
                        "avec --models DOSSIER, ou entraînez-en avec eshoppye train")


def _cmd_train(args) -> int:
    from eshoppye.train import train_models

    train_models(
        data_dir=Path(args.data or _data_default()),
        names=args.models,
        out_dir=Path(args.out),
        strict=args.strict,
        limit=args.limit,
        metrics_path=Path(args.metrics) if args.metrics else None,
        extra_dir=Path(args.extra) if args.extra else None,
        prototypes=args.prototypes,
    )
    return 0


def _cmd_evaluate(args) -> int:
    from eshoppye.evaluate import evaluate_dir

    evaluate_dir(
        data_dir=Path(args.data or _data_default()),
        models_dir=_models_dir(args.models),
        update_manifest=args.update_manifest,
        out_path=Path(args.out) if args.out else None,
        split=args.split,
        strict=args.strict,
        limit=args.limit,
    )
    return 0


def _cmd_predict(args) -> int:
    from eshoppye.predict import predict_file

    predict_file(
        models_dir=_models_dir(args.models),
        input_csv=Path(args.input),
        output_csv=Path(args.output),
        images_dir=Path(args.images) if args.images else None,
        only=args.only,
        review_below=args.review_below,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EshoppyeError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrompu")
    except MemoryError:
        return _fail("mémoire insuffisante")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
