"""The ``eshoppye`` command line: train, evaluate, predict and manage models.

Heavy libraries (scikit-learn, TensorFlow) are imported inside the commands, so that
``eshoppye --help`` answers at once. Every expected failure ends in one line on stderr
and exit code 2, never a traceback; ``predict`` exits with 1 when its output is written but
some rows could not be classified.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from eshoppye import __version__
from eshoppye.config import ORIGINAL_MODELS
from eshoppye.errors import EshoppyeError

TEXT_MODELS = ("text-tfidf", "text-bilstm", "text-embed")
IMAGE_MODELS = ("image-effnet",)
FUSION_MODELS = ("fusion-late", "fusion-concat")
ALL_MODELS = TEXT_MODELS + IMAGE_MODELS + FUSION_MODELS  # the bundled set, ``all``
SEED_MODELS = ORIGINAL_MODELS  # ``seed``: the original project's text families (not bundled but text-bilstm)
KNOWN_MODELS = ALL_MODELS + tuple(n for n in SEED_MODELS if n not in ALL_MODELS)
GROUPS = {"all": ALL_MODELS, "seed": SEED_MODELS}


def _data_default() -> str:
    from eshoppye.config import default_data_dir

    return str(default_data_dir())


def _model_list(value: str) -> list[str]:
    names = []
    for v in (v.strip() for v in value.split(",")):
        for n in GROUPS.get(v, (v,) if v else ()):
            if n not in names:
                names.append(n)
    bad = [n for n in names if n not in KNOWN_MODELS]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"modèle inconnu: {', '.join(bad) or value!r} (choix: {', '.join(KNOWN_MODELS)}, all, seed)"
        )
    return names


def _share(value: str) -> float:
    try:
        x = float(value.replace(",", "."))
    except ValueError:
        x = -1.0
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"seuil entre 0 et 1 attendu (reçu {value!r})")
    return x


def _threshold(value: str) -> float:
    try:
        x = float(value.replace(",", "."))
    except ValueError:
        x = float("nan")
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(f"seuil invalide {value!r} (nombre entre 0 et 1, ex. 0.6)")
    return x


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"entier positif attendu, pas {value!r}")
    return n


def _cluster_options(p: argparse.ArgumentParser, what: str) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=_positive, default=None,
                   help=f"{what} un cluster Dask local de N processus")
    g.add_argument("--scheduler", default=None, metavar="tcp://HOTE:PORT",
                   help=f"{what} un cluster Dask existant (dossiers partagés par les workers)")
    p.add_argument("--memory-limit", default="2GB", help="mémoire maximale par worker local (défaut: 2GB)")


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
                        f"virgules, parmi {', '.join(KNOWN_MODELS)}, 'all' (les modèles fournis) ou 'seed' "
                        f"(les familles d'origine : {', '.join(SEED_MODELS)}) ; sans --models : les trois "
                        f"modèles texte ({', '.join(TEXT_MODELS)})")
    t.add_argument("--out", default=None,
                   help="dossier de sortie des modèles (défaut: models/ ; pour des modèles hors de "
                        "l'ensemble fourni, un dossier temporaire effacé à la fin : métriques seulement)")
    t.add_argument("--strict", action="store_true", help="toute image manquante est une erreur")
    t.add_argument("--limit", type=int, default=None, help="n'utiliser que N produits (essais rapides)")
    t.add_argument("--metrics", default=None, help="fichier metrics.json à mettre à jour (défaut: reports/metrics.json)")
    t.add_argument("--extra", default=None, metavar="DOSSIER",
                   help="produits supplémentaires au format du challenge (ex. eshoppye reviews export), "
                        "ajoutés à la partie entraînement seulement")
    t.add_argument("--no-prototypes", dest="prototypes", action="store_false",
                   help="ne pas ajouter les prototypes de catégories à l'entraînement des modèles texte")
    t.add_argument("--text-encoder", default="static", choices=("static", "e5"),
                   help="représentation du texte de text-embed et fusion-concat: static (défaut, table "
                        "distillée d'e5, plus de 1 000 fois plus rapide, 99 %% de la qualité d'e5 sur le jeu "
                        "de développement) ou e5 (multilingual-e5-small lui-même, ~30 textes/s)")
    _cluster_options(t, "features image calculées sur")
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

    r = sub.add_parser("predict", help="classer des produits d'un fichier CSV ou Parquet (ou d'un catalogue entier)")
    r.add_argument("--models", default="models", metavar="DOSSIER",
                   help="DOSSIER des modèles entraînés (défaut : models/ ; les modèles fournis avec eShopPye "
                        "si ce dossier n'existe pas ici)")
    r.add_argument("--input", required=True,
                   help="CSV ou Parquet (ou motif 'dossier/*.parquet') avec designation, description?, productid?, "
                        "imageid?, image_path?")
    r.add_argument("--images", default=None, help="dossier des images (nommage du challenge)")
    r.add_argument("--output", required=True,
                   help="sortie .csv ou .parquet (un fichier pour une petite entrée, sinon un dossier de parts)")
    r.add_argument("--only", type=_model_list, default=None, help="n'utiliser que ces modèles")
    r.add_argument("--uncertain-below", type=_share, default=0.5, metavar="SEUIL",
                   help="confiance sous laquelle la décision est marquée incertaine (défaut: 0.5)")
    r.add_argument("--review-below", type=_threshold, default=None, metavar="SEUIL",
                   help="mettre en file de révision les produits de confiance inférieure à SEUIL (ex. 0.6)")
    _cluster_options(r, "partitions classées sur")
    r.add_argument("--resume", action="store_true", help="reprendre: garder les parts déjà écrites et vérifiées")
    r.add_argument("--partition-rows", type=_positive, default=None,
                   help="produits par partition (défaut: 20000; force la sortie en dossier de parts)")
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

    out = args.out
    if out is None and all(n in ALL_MODELS for n in args.models):
        out = "models"
    elif out is None:  # never grow the bundled models/ with models the app does not ship
        print("modèles hors de l'ensemble fourni : enregistrés dans un dossier temporaire effacé à la fin "
              "(métriques seulement ; --out DOSSIER pour les garder)")
    if args.workers or args.scheduler:
        from eshoppye.batch import warm_training_features

        warm_training_features(Path(args.data or _data_default()), args.models, strict=args.strict,
                               limit=args.limit, workers=args.workers, scheduler=args.scheduler,
                               memory_limit=args.memory_limit)

    train_models(
        data_dir=Path(args.data or _data_default()),
        names=args.models,
        out_dir=Path(out) if out else None,
        strict=args.strict,
        limit=args.limit,
        metrics_path=Path(args.metrics) if args.metrics else None,
        extra_dir=Path(args.extra) if args.extra else None,
        prototypes=args.prototypes,
        model_params={"text-embed": {"encoder": args.text_encoder},
                      "fusion-concat": {"encoder": args.text_encoder}},
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
    from eshoppye.batch import predict_catalogue

    out = predict_catalogue(
        models_dir=_models_dir(args.models),
        input_pattern=args.input,
        output=Path(args.output),
        images_dir=Path(args.images) if args.images else None,
        only=args.only,
        review_below=args.review_below,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        partition_rows=args.partition_rows,
        memory_limit=args.memory_limit,
        uncertain_below=args.uncertain_below,
    )
    # 1: the output is written but some rows could not be classified (see the 'problème' column)
    if hasattr(out, "columns"):  # a frame: the small input classified in this process
        return 1 if len(out) and out["prdtypecode"].isna().any() else 0
    return 1 if getattr(out, "unclassified", 0) else 0


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
