"""``eshoppye models list|pull|verify|publish|manifest``: the command line of the model registry."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from eshoppye.errors import EshoppyeError

LOCATION_LABELS = {
    "cached": "cache",
    "bundled": "dépôt",
    "remote": "distant seulement",
    "missing": "introuvable",
}
METRIC_COLUMNS = (("weighted_f1", "F1 pondéré"), ("macro_f1", "F1 macro"), ("accuracy", "exactitude"))


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    """Add the registry sub-subcommands to the ``models`` parser of :mod:`eshoppye.cli`."""
    manifest_help = "manifeste à utiliser: fichier, URL https ou gdrive:<id> (défaut: ESHOPPYE_MANIFEST ou models/manifest.json)"
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("list", help="modèles du manifeste: version, taille, emplacement, scores")
    p.add_argument("--manifest", default=None, help=manifest_help)
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("pull", help="télécharger des modèles dans le cache (Google Drive ou https)")
    p.add_argument("names", nargs="*", metavar="NAME", help="modèles à récupérer (défaut: tous)")
    p.add_argument("--manifest", default=None, help=manifest_help)
    p.add_argument("--force", action="store_true", help="ignorer le cache et le dépôt, télécharger à nouveau")
    p.set_defaults(func=_cmd_pull)

    p = sub.add_parser("verify", help="revérifier les empreintes sha256 des copies en cache et du dépôt")
    p.add_argument("--manifest", default=None, help=manifest_help)
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("publish", help="empaqueter un modèle entraîné pour Google Drive")
    p.add_argument("--models", required=True,
                   help="dossier d'un modèle (avec model.json) ou dossier contenant des modèles")
    p.add_argument("--out", default="dist", help="dossier des archives (défaut: dist/)")
    p.add_argument("--format", default="zip", choices=("zip", "tar.gz"), help="format de l'archive")
    p.add_argument("--gdrive", default=None, help="identifiant (ou lien) Google Drive de l'archive déjà déposée")
    p.add_argument("--url", default=None, help="URL https où l'archive est servie")
    p.add_argument("--manifest", default=None,
                   help="manifeste où enregistrer l'entrée (ex.: models/manifest.json); sinon rien n'est modifié")
    p.add_argument("--metrics", default=None, help="metrics.json (défaut: reports/metrics.json)")
    p.set_defaults(func=_cmd_publish)

    p = sub.add_parser("manifest", help="régénérer models/manifest.json à partir de models/*/model.json")
    p.add_argument("--models", default=None, help="dossier des modèles (défaut: models/)")
    p.add_argument("--metrics", default=None, help="metrics.json (défaut: reports/metrics.json)")
    p.add_argument("--out", default=None, help="fichier de sortie (défaut: <models>/manifest.json)")
    p.set_defaults(func=_cmd_manifest)


class _OneLine(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        print(f"eshoppye: attention: {record.getMessage()}", file=sys.stderr)


def _setup_logging() -> None:
    log = logging.getLogger("eshoppye.registry")
    if not any(isinstance(h, _OneLine) for h in log.handlers):
        log.addHandler(_OneLine(logging.WARNING))


def _fmt_metric(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [headers, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cmd_list(args) -> int:
    from eshoppye import registry

    _setup_logging()
    manifest = registry.load_manifest(args.manifest)
    rows = registry.list_models(manifest)
    print(f"manifeste: {manifest.get('_origin')}")
    if not rows:
        print("aucun modèle dans le manifeste (entraîner avec `eshoppye train`, puis `eshoppye models manifest`)")
        return 0
    headers = ["NOM", "TYPE", "VERSION", "TAILLE", "EMPLACEMENT", *(label for _, label in METRIC_COLUMNS)]
    table = [
        [r["name"], r["kind"], r["version"], registry.human_size(r["size"]), LOCATION_LABELS[r["status"]],
         *(_fmt_metric(r["metrics"].get(key)) for key, _ in METRIC_COLUMNS)]
        for r in rows
    ]
    print(format_table(headers, table))
    return 0


def _cmd_pull(args) -> int:
    from tqdm import tqdm

    from eshoppye import registry

    _setup_logging()
    manifest = registry.load_manifest(args.manifest)
    names = args.names or [e["name"] for e in manifest["models"]]
    if not names:
        raise EshoppyeError("aucun modèle dans le manifeste")
    for name in names:
        registry.get_entry(manifest, name)  # unknown names fail before any download
    failed = []
    for name in names:
        bar: dict[str, tqdm] = {}

        def progress(done: int, total: int, _name=name) -> None:
            if "bar" not in bar:
                bar["bar"] = tqdm(total=total, unit="B", unit_scale=True, desc=_name, leave=False,
                                  file=sys.stderr)
            bar["bar"].n = done
            bar["bar"].refresh()

        try:
            path = registry.resolve(name, manifest, progress=progress, force=args.force)
        except EshoppyeError as exc:
            if len(names) == 1:
                raise
            failed.append(name)
            print(f"eshoppye: erreur: {exc}", file=sys.stderr)
            continue
        finally:
            if "bar" in bar:
                bar["bar"].close()
        print(f"{name}: {path}")
    if failed:
        raise EshoppyeError(f"{len(failed)} modèle(s) non récupéré(s): {', '.join(failed)}")
    return 0


def _cmd_verify(args) -> int:
    from eshoppye import registry

    _setup_logging()
    rows = registry.verify_all(args.manifest)
    if not rows:
        print("aucune copie locale à vérifier (ni cache ni dépôt)")
        return 0
    table = [[r["name"], LOCATION_LABELS[r["where"]], "ok" if r["ok"] else f"ÉCHEC: {r['problem']}", r["path"]]
             for r in rows]
    print(format_table(["NOM", "EMPLACEMENT", "ÉTAT", "CHEMIN"], table))
    bad = [r for r in rows if not r["ok"]]
    if bad:
        raise EshoppyeError(f"{len(bad)} copie(s) ne correspondent pas au manifeste: "
                            + ", ".join(f"{r['name']} ({LOCATION_LABELS[r['where']]})" for r in bad))
    return 0


def _cmd_publish(args) -> int:
    from eshoppye import registry
    from eshoppye.models.base import MODEL_FILE

    root = Path(args.models)
    if (root / MODEL_FILE).is_file():
        dirs = [root]
    else:
        dirs = sorted(p.parent for p in root.glob(f"*/{MODEL_FILE}")) if root.is_dir() else []
    if not dirs:
        raise EshoppyeError(f"{root}: aucun modèle (model.json) à publier")
    sources = []
    if args.gdrive:
        sources.append({"gdrive": registry.gdrive_id_from(args.gdrive)})
    if args.url:
        problem = registry.check_url(args.url)
        if problem:
            raise EshoppyeError(f"--url: {problem}")
        sources.append({"url": args.url})
    if sources and len(dirs) > 1:
        raise EshoppyeError("--gdrive/--url désignent une seule archive: donner le dossier d'un seul modèle")
    for d in dirs:
        archive, entry = registry.publish(d, args.out, fmt=args.format, sources=sources,
                                          metrics_path=args.metrics)
        if args.manifest:
            registry.record_entry(args.manifest, entry)
            print(f"{entry['name']}: entrée enregistrée dans {args.manifest}")
        if not any("gdrive" in s for s in entry["sources"]):
            print(registry.upload_instructions(archive, entry, args.manifest, d))
        else:
            print(f"{entry['name']}: {archive} (sha256 {entry['pack']['sha256']}), sources: "
                  + ", ".join(f"{k}={v}" for s in entry["sources"] for k, v in s.items()))
        print()
    return 0


def _cmd_manifest(args) -> int:
    from eshoppye import registry

    out = registry.write_manifest(args.models, args.metrics, args.out)
    manifest = registry.load_manifest(out)
    print(f"{out}: {len(manifest['models'])} modèle(s)")
    return 0
