"""Publishing a trained model: pack it, write its manifest entry beside the pack, and print how
to upload it and record it in the manifest.
"""

from __future__ import annotations

from pathlib import Path

from eshoppye import config
from eshoppye.models.base import read_meta, sha256_file, verify_files
from eshoppye.registry.archive import write_pack
from eshoppye.registry.build import entry_from_dir, read_metrics
from eshoppye.registry.manifest import atomic_write_text, dump_json, human_size, validate_entry


def publish(model_dir: Path | str, out_dir: Path | str, fmt: str = "zip",
            sources: list[dict] | None = None, metrics_path: Path | str | None = None) -> tuple[Path, dict]:
    """Pack a trained model directory into ``out_dir/<name>-<version>.<fmt>``.

    Returns the archive path and its manifest entry (also written next to it as
    ``<name>-<version>.json``). ``sources`` (e.g. ``[{"gdrive": id}]``) are appended after the
    bundled path when the model lives in the repository's ``models/``.
    """
    model_dir = Path(model_dir)
    out_dir = Path(out_dir)
    meta = read_meta(model_dir)
    verify_files(model_dir, meta)  # never publish a corrupted model
    metrics = read_metrics(metrics_path if metrics_path is not None else config.METRICS_PATH)
    entry = entry_from_dir(model_dir, metrics.get(meta["name"], {}))
    validate_entry(entry, str(model_dir))
    in_repo = not Path(entry["sources"][0]["bundled"]).is_absolute()
    entry["sources"] = entry["sources"] if in_repo else []
    archive = out_dir / f"{entry['name']}-{entry['version']}.{fmt}"
    write_pack(model_dir, entry["files"], archive, fmt, entry["name"])
    entry["pack"] = {"file": archive.name, "format": fmt, "sha256": sha256_file(archive),
                     "size": archive.stat().st_size}
    for src in sources or []:
        if src not in entry["sources"]:
            entry["sources"].append(src)
    validate_entry(entry, str(model_dir))
    atomic_write_text(out_dir / f"{entry['name']}-{entry['version']}.json", dump_json(entry))
    return archive, entry


def upload_instructions(archive: Path, entry: dict, manifest_path: Path | str | None = None,
                        model_dir: Path | str | None = None) -> str:
    """The exact steps to put a published pack on Google Drive and record its file id."""
    manifest_path = manifest_path or "models/manifest.json"
    model_dir = model_dir or f"models/{entry['name']}"
    entry_file = archive.with_name(f"{entry['name']}-{entry['version']}.json")
    return "\n".join([
        f"Archive: {archive} ({human_size(entry['pack']['size'])}, sha256 {entry['pack']['sha256']})",
        f"Entrée du manifeste: {entry_file}",
        "Pour publier sur Google Drive:",
        "  1. Ouvrir https://drive.google.com, « Nouveau » > « Importer un fichier », choisir",
        f"     {archive} (ne pas le renommer, ne pas le recompresser).",
        "  2. Clic droit sur le fichier > « Partager » > « Accès général »: « Tous les utilisateurs",
        "     disposant du lien », rôle « Lecteur », puis « Copier le lien ».",
        "  3. Le lien a la forme https://drive.google.com/file/d/<ID>/view?usp=sharing;",
        "     l'identifiant du fichier est la partie <ID>.",
        "  4. Enregistrer l'identifiant dans le manifeste, au choix:",
        f"     eshoppye models publish --models {model_dir} --gdrive <ID> --manifest {manifest_path}",
        f"     ou ajouter à la main {{\"gdrive\": \"<ID>\"}} à la liste \"sources\" de l'entrée "
        f"\"{entry['name']}\" de {manifest_path} (l'entrée complète est dans {entry_file}).",
        f"  5. Vérifier: ESHOPPYE_CACHE=$(mktemp -d) eshoppye models pull {entry['name']} --force "
        f"--manifest {manifest_path}",
    ])
