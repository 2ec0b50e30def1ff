"""``eshoppye train``: fit the requested models on the training split, save them, score them.

The split is the deterministic stratified one of :func:`eshoppye.data.split_dataset`; base models
learn on ``train``, fusion meta-models on held-out predictions, and every model is scored on
``test``, which nothing is tuned on.
"""

from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path

import numpy as np

from eshoppye.config import display_path
from eshoppye.errors import EshoppyeError

FUSION_NAMES = ("fusion-late", "fusion-concat")


def _info(dataset, parts, seconds: float) -> dict:
    return {
        "data_fingerprint": dataset.fingerprint,
        "data_dir": display_path(dataset.data_dir),
        "split": parts["info"],
        "train_rows": int(len(parts["train"])),
        "train_seconds": round(seconds, 2),
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
    }


def _saved_bases(out_dir: Path) -> dict:
    """The non-fusion models already saved in ``out_dir`` ({} when there are none)."""
    from eshoppye.models.ensemble import load_models

    if not out_dir.is_dir() or not any((d / "model.json").is_file() for d in out_dir.iterdir()):
        return {}
    return load_models(out_dir, skip_fusion=True)


def train_models(data_dir: Path, names: list[str], out_dir: Path | None, strict: bool = False,
                 limit: int | None = None, metrics_path: Path | None = None,
                 progress: bool = True, extra_dir: Path | None = None, prototypes: bool = True,
                 model_params: dict | None = None) -> dict:
    """Train, save and evaluate ``names``; returns the metrics entries. ``extra_dir``: more
    products in the challenge format, added to the training split only (:mod:`eshoppye.extra`).
    ``prototypes``: the text models also learn the category prototypes (:mod:`eshoppye.prototypes`).
    ``model_params`` maps a model name (fusion models included) to constructor parameters
    (``{"text-embed": {"encoder": "e5"}}``).

    With ``out_dir=None`` the models are saved (their size is part of the metrics) in a
    temporary directory removed at the end: only the metrics remain.
    """
    if out_dir is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="eshoppye-train-") as tmp:
            return _train_models(data_dir, names, Path(tmp), strict, limit, metrics_path, progress,
                                 extra_dir, prototypes, model_params, manifest=False)
    return _train_models(data_dir, names, Path(out_dir), strict, limit, metrics_path, progress,
                         extra_dir, prototypes, model_params)


def _train_models(data_dir: Path, names: list[str], out_dir: Path, strict: bool, limit: int | None,
                  metrics_path: Path | None, progress: bool, extra_dir: Path | None = None,
                  prototypes: bool = True, model_params: dict | None = None,
                  manifest: bool = True) -> dict:
    from eshoppye.data import load_dataset, split_dataset, subset
    from eshoppye.evaluate import (dev_scores, evaluate_models, format_dev_table, format_table,
                                   refresh_manifest, write_metrics)
    from eshoppye.models.base import create

    dataset = load_dataset(data_dir, "train", strict=strict)
    for w in dataset.warnings:
        print(f"attention: {w}")
    dataset = subset(dataset, limit)
    parts = split_dataset(dataset.labels)
    if extra_dir is not None:
        from eshoppye.extra import add_extra

        dataset, parts, extra = add_extra(dataset, parts, extra_dir, strict=strict)
        print(f"données supplémentaires: {extra['dir']} (empreinte {extra['fingerprint']}): "
              f"{extra['added']} ajouté(s), {extra['relabelled']} réétiqueté(s) dans l'entraînement, "
              f"{extra['left_out_val_test']} écarté(s) (déjà en validation ou test)")
    frame = dataset.frame
    train = frame.iloc[parts["train"]]
    y_train = train["prdtypecode"].to_numpy()
    n_classes = len(np.unique(y_train))
    if n_classes < 2:
        raise EshoppyeError(f"{dataset.data_dir}: {n_classes} catégorie dans la partie d'entraînement "
                            f"({len(train)} produit(s)); il en faut au moins 2 pour entraîner un classifieur")
    out_dir = Path(out_dir)
    print(f"données: {dataset.data_dir} ({len(dataset)} produits, empreinte {dataset.fingerprint}); "
          f"découpage {parts['info']['sizes']}")

    trained, dirs = {}, {}
    saved = None  # models of out_dir a fusion may build on, loaded once and only if needed
    ordered = [n for n in names if n not in FUSION_NAMES] + [n for n in names if n in FUSION_NAMES]
    for i, name in enumerate(ordered, 1):
        print(f"[{i}/{len(names)}] entraînement de {name} sur {len(train)} produits...")
        t = time.perf_counter()
        if name in FUSION_NAMES:
            from eshoppye.models.fusion import fit_fusion

            if saved is None:
                saved = _saved_bases(out_dir)
            model = fit_fusion(name, dataset, parts, {**saved, **trained}, progress=progress,
                               params=(model_params or {}).get(name))
        else:
            model = create(name, **(model_params or {}).get(name, {}))
            fit_frame = train
            if prototypes and model.kind == "text":
                from eshoppye.prototypes import with_prototypes

                fit_frame = with_prototypes(train)
            model = model.fit(fit_frame, fit_frame["prdtypecode"].to_numpy(), progress=progress)
            errors = getattr(model, "last_errors", None) or []
            for row, err in errors[:50]:
                print(f"attention: {name}: produit {fit_frame['productid'].iat[row]}: {err}; image ignorée")
            if len(errors) > 50:
                print(f"attention: {name}: {len(errors)} images illisibles au total")
        model.info = _info(dataset, parts, time.perf_counter() - t)
        if prototypes and model.kind == "text":
            from eshoppye.prototypes import prototypes_fingerprint

            model.info["prototypes"] = prototypes_fingerprint()
        dirs[name] = out_dir / name
        model.save(dirs[name])
        trained[name] = model
        print(f"    {name}: {model.info['train_seconds']:.1f} s -> {dirs[name]}")

    entries = evaluate_models(trained, dataset, parts, "test", dirs, progress=progress)
    from eshoppye.models.ensemble import load_models

    # the development set is judged with every model of out_dir, so the final decision is the app's
    dev_result = dev_scores(load_models(out_dir), entries)
    # the final decision on the dev set is the one of a real models folder, never of a temporary one
    # holding only the models of this run
    written_dev = dev_result if (dev_result is None or manifest) else {**dev_result, "decision": None}
    path = write_metrics(entries, dataset, parts, "test", metrics_path, written_dev)
    print(format_table(entries))
    if dev_result:
        print(format_dev_table(dev_result))
    print(f"métriques écrites dans {path}")
    if manifest:
        refresh_manifest(out_dir, path)
    return entries

