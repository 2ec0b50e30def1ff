"""Image classifier: a small dense head on frozen EfficientNet-Lite features.

The backbone (:mod:`eshoppye.image`) turns each picture into a 1280-d vector once (features are
cached on disk by image id); this model only trains ``Dense(hidden, relu) -> Dropout ->
Dense(n_classes, softmax)`` on those vectors, with early stopping on a seeded held-out slice of
the training data. The trained head is saved as ``head.npz`` (plain float arrays, no pickle) and
prediction runs the two dense layers in numpy, so loading a model never needs Keras.

The head only ever sees the sample catalogue's pictures, so its confidence does not transfer to
real photographs. Prediction therefore combines it with the ImageNet prior of
:mod:`eshoppye.image.prior` (the backbone's own 1000-class classifier, trained on real photos,
mapped to the 27 codes by a reviewed data file) as a product of experts,
``p ∝ prior * head ** head_weight`` for pictures unlike the head's training pictures.
``head_weight`` (default 0.3) is fixed a priori, not fitted: a stacker fitted on out-of-fold
predictions of the sample would learn to trust the head, which is exactly what fails on real
photos. How much a picture looks like the training pictures is measured at prediction time (largest
cosine similarity to the per-class centroids of the training features, stored with the head) and
gates the exponents (:func:`eshoppye.image.prior.gated_product`): a picture like the training ones
(the sample catalogue for the bundled model, real photos for a model trained on the real data) is
decided by the head at full weight, with the prior softened (exponent 0.5); a picture far from
them (similarity under the 1st percentile of the held-out training slice) by the prior with the
tempered head. On an object the prior knows (a lawn mower, a crib, a teddy) the prior then
decides unless the head is very sure; on pictures it has no category for (unmapped ImageNet
classes, spread by category frequency) the head's ranking decides. A head saved before the prior
existed (no centroids in ``head.npz``) predicts as it was trained, head alone, until retrained.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eshoppye.config import SEED
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import Model, load_npz, register

HEAD_FILE = "head.npz"
#: Exponent of the learned head in the product of experts with the ImageNet prior (see module doc).
HEAD_WEIGHT = 0.3


@register
class ImageEffnetModel(Model):
    """Dense head with dropout on frozen EfficientNet-Lite pooled features.

    ``X`` is a DataFrame with ``image_path`` and (optionally) ``imageid`` columns; rows without
    a usable picture are ignored by ``fit`` and get NaN probabilities from ``predict_proba``.
    A 2-D float array of precomputed backbone features is accepted as ``X`` as well.
    """

    name = "image-effnet"
    kind = "image"
    version = "1.1.0"

    def __init__(self, variant: str = "lite0", hidden: int = 256, dropout: float = 0.3,
                 learning_rate: float = 1e-3, epochs: int = 60, batch_size: int = 128,
                 validation_fraction: float = 0.1, patience: int = 5, seed: int = SEED,
                 progress: bool = True, imagenet_prior: bool = True, head_weight: float = HEAD_WEIGHT):
        super().__init__(variant=variant, hidden=hidden, dropout=dropout, learning_rate=learning_rate,
                         epochs=epochs, batch_size=batch_size, validation_fraction=validation_fraction,
                         patience=patience, seed=seed, progress=progress, imagenet_prior=imagenet_prior,
                         head_weight=head_weight)
        self._head: dict[str, np.ndarray] | None = None

    # -- features ------------------------------------------------------------------------------
    def _features(self, X, progress: bool | None = None) -> np.ndarray:
        if isinstance(X, np.ndarray):
            feats = np.asarray(X, dtype=np.float32)
            if feats.ndim != 2:
                raise EshoppyeError("image-effnet : tableau de features 2-D attendu")
            return feats
        from eshoppye.image import features_for

        if progress is None:
            progress = bool(self.params.get("progress", True))
        result = features_for(X, progress=progress,
                              variant=self.params.get("variant", "lite0"))
        self.last_failed = result.failed
        self.last_errors = [(i, e) for i, e in enumerate(result.row_errors or []) if e]
        return result.features

    # -- training ------------------------------------------------------------------------------
    def fit(self, X, y, progress: bool | None = None) -> "ImageEffnetModel":
        """``progress`` overrides the constructor's setting for this call."""
        feats = self._features(X, progress)
        y = np.asarray(y).astype(np.int64)
        if len(y) != len(feats):
            raise EshoppyeError("image-effnet : X et y n'ont pas le même nombre de lignes")
        ok = np.isfinite(feats).all(axis=1)
        if ok.sum() < 2:
            raise EshoppyeError("image-effnet : pas assez d'images lisibles pour entraîner le modèle")
        feats, y = feats[ok], y[ok]
        self.classes_ = np.unique(y)
        target = np.searchsorted(self.classes_, y)
        self.info["n_train_images"] = int(ok.sum())
        self.info["n_skipped_images"] = int((~ok).sum())
        self._head = self._train_head(feats, target, len(self.classes_))
        self._head.update(self._domain_stats(feats, target))
        if self.params.get("imagenet_prior", True):
            from eshoppye.image.prior import load_mapping

            self.info["imagenet_mapping_sha256"] = load_mapping().sha256
        return self

    def _domain_stats(self, feats: np.ndarray, target: np.ndarray) -> dict[str, np.ndarray]:
        """Per-class centroids of the training features and the similarity band of the gate:
        1st and 25th percentiles of the held-out slice's similarity to those centroids."""
        from eshoppye.data import holdout_split
        from eshoppye.image.prior import domain_similarity

        frac = float(self.params.get("validation_fraction", 0.1))
        if frac > 0:  # the head's own early-stopping split
            train_idx, val_idx = holdout_split(target, share=frac, seed=int(self.params.get("seed", SEED)))
        else:
            train_idx, val_idx = np.arange(len(feats)), np.array([], dtype=np.int64)
        unit = feats / np.clip(np.linalg.norm(feats, axis=1, keepdims=True), 1e-12, None)
        cents = np.stack([unit[train_idx][target[train_idx] == c].mean(axis=0) if (target[train_idx] == c).any()
                          else unit[target == c].mean(axis=0) for c in range(len(self.classes_))])
        ref = val_idx if len(val_idx) >= 10 else train_idx
        sim = domain_similarity(feats[ref], cents)
        low, high = np.percentile(sim, [1, 25])
        return {"centroids": cents.astype(np.float32), "gate": np.array([low, high], dtype=np.float32)}

    def _train_head(self, feats: np.ndarray, target: np.ndarray, n_classes: int) -> dict[str, np.ndarray]:
        from eshoppye.data import holdout_split
        from eshoppye.keras_runtime import seed_keras

        p = self.params
        seed = int(p.get("seed", SEED))
        seed_keras(seed)
        import keras

        frac = float(p.get("validation_fraction", 0.1))
        if frac > 0:
            train_idx, val_idx = holdout_split(target, share=frac, seed=seed)
        else:
            train_idx, val_idx = np.arange(len(feats)), np.array([], dtype=np.int64)
        model = keras.Sequential([
            keras.Input((feats.shape[1],)),
            keras.layers.Dense(int(p.get("hidden", 256)), activation="relu", name="hidden"),
            keras.layers.Dropout(float(p.get("dropout", 0.3)), seed=seed, name="dropout"),
            keras.layers.Dense(n_classes, activation="softmax", name="output"),
        ])
        model.compile(optimizer=keras.optimizers.Adam(float(p.get("learning_rate", 1e-3))),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        callbacks = []
        validation = None
        if len(val_idx):
            validation = (feats[val_idx], target[val_idx])
            callbacks.append(keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=int(p.get("patience", 5)), restore_best_weights=True))
        history = model.fit(feats[train_idx], target[train_idx], validation_data=validation,
                            epochs=int(p.get("epochs", 60)), batch_size=int(p.get("batch_size", 128)),
                            shuffle=True, callbacks=callbacks, verbose=0)
        self.info["epochs_run"] = len(history.history.get("loss", []))
        if validation is not None:
            self.info["best_val_loss"] = float(min(history.history["val_loss"]))
        w1, b1 = model.get_layer("hidden").get_weights()
        w2, b2 = model.get_layer("output").get_weights()
        return {"w1": w1.astype(np.float32), "b1": b1.astype(np.float32),
                "w2": w2.astype(np.float32), "b2": b2.astype(np.float32)}

    # -- prediction ----------------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        if self._head is None:
            raise EshoppyeError("image-effnet : poids de la tête absents")
        if not isinstance(X, np.ndarray) and "image_path" in X and not any(
                isinstance(v, (str, Path)) and str(v) for v in X["image_path"].tolist()):
            self.last_failed, self.last_errors = 0, []  # no picture at all: nothing to run
            return np.full((len(X), len(self.classes_)), np.nan)
        feats = self._features(X)
        return self.proba_from_features(feats)

    def proba_from_features(self, feats: np.ndarray) -> np.ndarray:
        """Class probabilities from backbone features (NaN rows stay NaN): the head combined
        with the ImageNet prior (unless ``imagenet_prior`` is off)."""
        head = self.head_proba(feats)
        if not self._uses_prior():
            return head
        from eshoppye.image.prior import gated_product, prior_from_features

        prior = prior_from_features(feats, codes=self.classes_, variant=self.params.get("variant", "lite0"))
        out = np.full_like(head, np.nan)
        ok = np.isfinite(head).all(axis=1)
        if ok.any():
            gate = self.domain_gate(np.asarray(feats, dtype=np.float32)[ok])
            out[ok] = gated_product(prior[ok], head[ok], gate, float(self.params.get("head_weight", HEAD_WEIGHT)))
        return out

    def _uses_prior(self) -> bool:
        """False when switched off, for a head saved before the prior existed (no centroids: it
        predicts as it was trained) and for labels that are not catalogue codes (no mapping)."""
        from eshoppye.categories import CODES

        return (bool(self.params.get("imagenet_prior", True)) and "centroids" in self._head
                and set(int(c) for c in self.classes_) <= set(CODES))

    def domain_gate(self, feats: np.ndarray) -> np.ndarray:
        """Per picture, 0 (unlike the training pictures: the prior dominates) to 1 (like them: the
        head decides)."""
        h = self._head
        from eshoppye.image.prior import domain_gate, domain_similarity

        low, high = (float(v) for v in h["gate"])
        return domain_gate(domain_similarity(feats, h["centroids"]), low, high)

    def head_proba(self, feats: np.ndarray) -> np.ndarray:
        """Probabilities of the learned head alone (NaN rows stay NaN)."""
        h = self._head
        feats = np.asarray(feats, dtype=np.float32)
        out = np.full((len(feats), len(self.classes_)), np.nan, dtype=np.float64)
        ok = np.isfinite(feats).all(axis=1)
        if ok.any():
            z = np.maximum(feats[ok] @ h["w1"] + h["b1"], 0.0)
            logits = (z @ h["w2"] + h["b2"]).astype(np.float64)
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            out[ok] = e / e.sum(axis=1, keepdims=True)
        return out

    # -- persistence ---------------------------------------------------------------------------
    def _save_weights(self, directory: Path) -> list[str]:
        np.savez(Path(directory) / HEAD_FILE, **self._head)
        return [HEAD_FILE]

    def _load_weights(self, directory: Path) -> None:
        head = load_npz(Path(directory) / HEAD_FILE)
        missing = {"w1", "b1", "w2", "b2"} - set(head)
        if missing:
            raise EshoppyeError(f"{Path(directory) / HEAD_FILE} : poids manquants ({', '.join(sorted(missing))})")
        if head["w2"].shape[1] != len(self.classes_):
            raise EshoppyeError(f"{Path(directory) / HEAD_FILE} : nombre de classes incohérent avec model.json")
        self._head = head

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)
