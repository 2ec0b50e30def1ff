"""Text + image models.

* ``fusion-late``: per-model temperature scaling, then a stacking meta-model (multinomial
  logistic regression) on the calibrated log-probabilities of the base models. The meta-model
  learns on out-of-fold probabilities of the training split (each fold's base models never saw
  the rows they score), never on training-set predictions. Three meta-models are kept: text and
  image together, text alone (product without a usable image) and image alone (no text), so a
  product always gets an answer from the models that could speak for it.
* ``fusion-concat``: the original eShopPye bimodal idea, sentence-encoder text features and
  EfficientNet image features concatenated, then dense layers (kept for comparison); trained
  with Keras, run in numpy (:mod:`eshoppye.models.numpy_forward`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from eshoppye.config import SEED
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import Model, class_index, fit_temperature, load_npz, register, softmax
from eshoppye.models.numpy_forward import concat_head_forward, net_weights, read_keras_weights

DEFAULT_BASES = ("text-tfidf", "text-embed", "image-effnet")
KINDS = {"text-tfidf": "text", "text-embed": "text", "text-bilstm": "text", "image-effnet": "image"}
SUBSETS = ("all", "text", "image")


#: From this many training rows, fusion-late's out-of-fold pass uses 3 folds instead of 5: each
#: base is still trained on two thirds of a large set, and at 84,916 rows the five refits of every
#: base were 42 % of the whole training (bench/bench_train.py). The sample catalogue keeps 5.
MANY_ROWS, FOLDS_FOR_MANY_ROWS = 20_000, 3


def _log(p: np.ndarray) -> np.ndarray:
    return np.log(np.clip(p, 1e-9, 1.0))


def oof_probas(names, frame, y, n_splits: int = 5, progress: bool = True) -> dict[str, np.ndarray]:
    """Out-of-fold probabilities of each base model on ``frame`` (seeded stratified K-fold)."""
    from sklearn.model_selection import StratifiedKFold

    from eshoppye.models.base import create

    y = np.asarray(y, dtype=np.int64)
    classes = np.unique(y)
    n_splits = int(min(n_splits, np.bincount(class_index(classes, y)).min()))
    if n_splits < 2:
        raise EshoppyeError("fusion: trop peu d'exemples par classe pour les prédictions hors-pli")
    folds = list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=SEED).split(frame, y))
    out = {}
    steps = [(n, k) for n in names for k in range(n_splits)]
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="fusion: prédictions hors-pli", unit="pli")
    for name, k in steps:
        tr, va = folds[k]
        model = create(name).fit(frame.iloc[tr], y[tr], progress=False)
        p = model.predict_proba(frame.iloc[va])
        if name not in out:
            out[name] = np.full((len(frame), len(classes)), np.nan)
        full = np.zeros((len(va), len(classes)))
        full[:, class_index(classes, model.classes_)] = p  # a fold may miss a rare class
        full[np.isnan(p).any(axis=1)] = np.nan  # the model could not speak for these rows
        out[name][va] = full
    return out


def pooled_logits(feats: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``z[i, c] = sum_m weights[m] * feats[i, m*K + c] + bias[c]`` for M stacked blocks of K."""
    k = len(bias)
    blocks = feats.reshape(len(feats), len(weights), k)
    return np.einsum("imk,m->ik", blocks, weights) + bias


def fit_pooled_logit(feats: np.ndarray, yi: np.ndarray, n_models: int, n_classes: int,
                     l2: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression on stacked calibrated log-probabilities, one weight per
    base model shared by all classes plus a bias per class (M + K parameters).

    Tying the weights across classes keeps the meta-model from over-fitting the out-of-fold
    rows (a full M*K x K logistic regression needs far more rows than a small catalogue has);
    L2 penalty ``l2 / n``; solved with L-BFGS and the exact gradient.
    """
    from scipy.optimize import minimize

    n = len(yi)
    blocks = feats.reshape(n, n_models, n_classes).astype(np.float64)
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), yi] = 1.0
    lam = l2 / n

    def loss(theta):
        w, b = theta[:n_models], theta[n_models:]
        z = np.einsum("imk,m->ik", blocks, w) + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        nll = -(logp * onehot).sum() / n + 0.5 * lam * (theta @ theta)
        dz = (p - onehot) / n
        grad = np.concatenate([np.einsum("ik,imk->m", dz, blocks), dz.sum(axis=0)]) + lam * theta
        return nll, grad

    theta0 = np.concatenate([np.ones(n_models), np.zeros(n_classes)])
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:n_models].astype(np.float64), res.x[n_models:].astype(np.float64)


@register
class LateFusionModel(Model):
    """Temperature-scaled base probabilities stacked by a logistic regression (weights shared
    across classes, see :func:`fit_pooled_logit`)."""

    name = "fusion-late"
    kind = "fusion"
    version = "1.0.0"

    def __init__(self, bases=DEFAULT_BASES, C: float = 1.0, n_splits: int = 5):
        super().__init__(bases=list(bases), C=C, n_splits=n_splits)
        self.temperatures_: dict[str, float] = {}
        self.stackers_: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._bases: dict[str, Model] = {}

    # -- wiring -----------------------------------------------------------------------------
    def attach(self, models: dict[str, Model], partial: bool = False) -> "LateFusionModel":
        """Give the fitted base models used at prediction time. With ``partial``, some bases may be
        absent (the app's text stage: no image model yet): the meta-models that need them are
        then skipped, as for a product without a photo."""
        present = [b for b in self.params["bases"] if b in models]
        missing = [b for b in self.params["bases"] if b not in models]
        if missing and not (partial and present):
            raise EshoppyeError(f"fusion-late: modèle(s) de base absent(s): {', '.join(missing)}")
        for b in present:
            if not np.array_equal(models[b].classes_, self.classes_):
                raise EshoppyeError(f"fusion-late: classes de {b} différentes de celles de la fusion")
        self._bases = {b: models[b] for b in present}
        return self

    def _subset_names(self, subset: str) -> list[str]:
        bases = self.params["bases"]
        if subset == "all":
            return list(bases)
        return [b for b in bases if KINDS.get(b, "text") == subset]

    def _features(self, probas: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
        return np.hstack([_log(softmax(_log(probas[n]), self.temperatures_[n])) for n in names])

    # -- contract -----------------------------------------------------------------------------
    def fit(self, X, y, probas: dict[str, np.ndarray] | None = None, progress: bool = True):
        """Fit on out-of-fold probabilities; computes them by K-fold refits when not given."""
        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        if probas is None:
            if len(X) >= MANY_ROWS:  # recorded in model.json: the folds this model was fitted with
                self.params["n_splits"] = min(self.params["n_splits"], FOLDS_FOR_MANY_ROWS)
            probas = oof_probas(self.params["bases"], X, y, self.params["n_splits"], progress)
        return self.fit_probas(probas, y)

    def fit_probas(self, probas: dict[str, np.ndarray], y) -> "LateFusionModel":
        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        yi = class_index(self.classes_, y)
        self.temperatures_ = {}
        for name in self.params["bases"]:
            ok = ~np.isnan(probas[name]).any(axis=1)
            self.temperatures_[name] = fit_temperature(_log(probas[name][ok]), yi[ok])
        self.stackers_ = {}
        for subset in SUBSETS:
            names = self._subset_names(subset)
            if not names:
                continue
            ok = np.all([~np.isnan(probas[n]).any(axis=1) for n in names], axis=0)
            if len(np.unique(yi[ok])) < 2:
                continue
            feats = self._features({n: probas[n][ok] for n in names}, names)
            self.stackers_[subset] = fit_pooled_logit(feats, yi[ok], len(names), len(self.classes_),
                                                      1.0 / self.params["C"])
        return self

    def predict_proba(self, X) -> np.ndarray:
        from eshoppye.models.ensemble import model_probas

        self._check_fitted()
        if not self._bases:
            raise EshoppyeError("fusion-late: modèles de base non chargés (attach)")
        probas, _ = model_probas(self._bases, X)
        return self.predict_proba_from(probas, X)

    def predict_proba_from(self, probas: dict[str, np.ndarray], X=None) -> np.ndarray:
        """Fuse already computed base probabilities (NaN rows = that model could not speak)."""
        p, _ = self.fuse(probas)
        return p

    def fuse(self, probas: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
        """Fused probabilities and, per row, which meta-model spoke (``all``/``text``/``image``)."""
        n = len(next(iter(probas.values())))
        out = np.full((n, len(self.classes_)), np.nan)
        used = [""] * n
        done = np.zeros(n, dtype=bool)
        for subset in SUBSETS:
            if subset not in self.stackers_:
                continue
            names = self._subset_names(subset)
            if any(b not in probas for b in names):
                continue
            ok = ~done & np.all([~np.isnan(probas[b]).any(axis=1) for b in names], axis=0)
            if not ok.any():
                continue
            out[ok] = softmax(pooled_logits(self._features({b: probas[b][ok] for b in names}, names),
                                            *self.stackers_[subset]))
            done |= ok
            for i in np.flatnonzero(ok):
                used[i] = subset
        return out, used

    def contributions(self, probas: dict[str, np.ndarray],
                      fused: tuple[np.ndarray, list[str]] | None = None) -> dict[str, float]:
        """Share of each base model in the fused score of the predicted class, for one row
        (``fused``: what :meth:`fuse` returned for ``probas``, when the caller has it)."""
        p, used = fused if fused is not None else self.fuse(probas)
        if not used[0]:
            return {}
        names = self._subset_names(used[0])
        weights, _ = self.stackers_[used[0]]
        c = int(np.nanargmax(p[0]))
        parts = {}
        for j, name in enumerate(names):
            logp = _log(softmax(_log(probas[name][:1]), self.temperatures_[name]))[0]
            parts[name] = float(weights[j] * (logp[c] - logp.mean()))
        total = sum(abs(v) for v in parts.values()) or 1.0
        return {n: abs(v) / total for n, v in parts.items()}

    # -- persistence ----------------------------------------------------------------------------
    def _save_weights(self, directory: Path) -> list[str]:
        arrays = {"temperatures": np.array([self.temperatures_[b] for b in self.params["bases"]])}
        for subset, (weights, bias) in self.stackers_.items():
            arrays[f"weights_{subset}"], arrays[f"bias_{subset}"] = weights, bias
        np.savez_compressed(Path(directory) / "stacker.npz", **arrays)
        return ["stacker.npz"]

    def _load_weights(self, directory: Path) -> None:
        w = load_npz(Path(directory) / "stacker.npz")
        self.temperatures_ = dict(zip(self.params["bases"], map(float, w["temperatures"])))
        self.stackers_ = {s: (w[f"weights_{s}"], w[f"bias_{s}"]) for s in SUBSETS if f"weights_{s}" in w}
        if not self.stackers_:
            raise EshoppyeError(f"{Path(directory) / 'stacker.npz'}: aucun méta-modèle (format ancien ?), "
                                "réentraînez fusion-late")
        self._bases = {}


# ================================================================================================
# fusion-concat: the original bimodal design
# ================================================================================================

def build_concat_head(text_dim: int, image_dim: int, n_classes: int, hidden: int = 256,
                      dropout: float = 0.4):
    """[text features | image features] -> Dense hidden -> Dropout -> Dense n_classes."""
    from eshoppye.keras_runtime import quiet_tensorflow

    quiet_tensorflow()
    import keras
    from keras import layers

    t_in = keras.Input((text_dim,), name="text_features")
    i_in = keras.Input((image_dim,), name="image_features")
    i = layers.LayerNormalization(name="image_norm")(i_in)
    x = layers.Concatenate(name="concat")([t_in, i])
    x = layers.Dense(hidden, activation="relu", name="hidden")(x)
    x = layers.Dropout(dropout, seed=SEED, name="dropout")(x)
    out = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    return keras.Model([t_in, i_in], out, name="fusion_concat")


@register
class ConcatFusionModel(Model):
    """Sentence-encoder and EfficientNet features concatenated, then dense layers. The text
    features come from ``encoder`` (default ``static``, the table distilled from e5; ``e5`` stays
    selectable); a saved model keeps the encoder it was trained on."""

    name = "fusion-concat"
    kind = "fusion"
    version = "1.0.0"

    def __init__(self, encoder: str = "static", variant: str = "lite0", hidden: int = 256,
                 epochs: int = 60, batch_size: int = 64):
        super().__init__(encoder=encoder, variant=variant, hidden=hidden, epochs=epochs,
                         batch_size=batch_size)
        self._net = None  # the Keras head: built to train, or on demand (keras_net)
        self._weights: dict = {}  # layer name -> arrays, what prediction runs on (numpy)
        self._saved_file: Path | None = None
        self._dims = (0, 0)

    def _inputs(self, X, progress: bool = False, training: bool = False) -> tuple[np.ndarray, np.ndarray]:
        from eshoppye.image import features_for
        from eshoppye.models.embeddings import embed_frame

        T = embed_frame(X, self.params["encoder"], progress, disk_cache=training)
        if "image_path" in X:
            Im = features_for(X, progress=progress, variant=self.params["variant"]).features
        else:
            Im = np.full((len(X), 1280), np.nan, dtype=np.float32)
        return T, Im

    def fit(self, X, y, progress: bool = True):
        import keras

        from eshoppye.data import holdout_split
        from eshoppye.keras_runtime import seed_keras

        seed_keras()
        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        T, Im = self._inputs(X, progress, training=True)
        ok = np.isfinite(Im).all(axis=1)
        T, Im, y = T[ok], Im[ok], y[ok]
        yi = class_index(self.classes_, y)
        self._dims = (T.shape[1], Im.shape[1])
        fit_pos, stop_pos = holdout_split(y)
        self._net = build_concat_head(*self._dims, len(self.classes_), self.params["hidden"])
        self._net.compile(optimizer=keras.optimizers.Adam(1e-3),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        self._net.fit([T[fit_pos], Im[fit_pos]], yi[fit_pos],
                      validation_data=([T[stop_pos], Im[stop_pos]], yi[stop_pos]),
                      epochs=self.params["epochs"], batch_size=self.params["batch_size"], verbose=0,
                      callbacks=[keras.callbacks.EarlyStopping(patience=4, restore_best_weights=True)])
        self._weights = net_weights(self._net)
        self._saved_file = None
        return self

    def keras_net(self):
        """The Keras head with this model's weights (training code, parity checks)."""
        if self._net is None:
            self._net = build_concat_head(*self._dims, len(self.classes_), self.params["hidden"])
            self._net.load_weights(self._saved_file)
        return self._net

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities for the rows with a usable picture (NaN for the others, whose text is
        then not even encoded)."""
        from eshoppye.image import features_for
        from eshoppye.models.embeddings import embed_frame

        self._check_fitted()
        out = np.full((len(X), len(self.classes_)), np.nan)
        if "image_path" not in X or not any(isinstance(v, (str, Path)) and str(v)
                                            for v in X["image_path"].tolist()):
            return out
        Im = features_for(X, progress=False, variant=self.params["variant"]).features
        ok = np.isfinite(Im).all(axis=1)
        if ok.any():
            T = embed_frame(X.iloc[np.flatnonzero(ok)], self.params["encoder"])
            out[ok] = concat_head_forward(self._weights, T, Im[ok])
        return out

    def _save_weights(self, directory: Path) -> list[str]:
        target = Path(directory) / "concat.weights.h5"
        if self._net is not None:
            self._net.save_weights(target)
        elif Path(self._saved_file).resolve() != target.resolve():  # loaded, never rebuilt: same bytes
            shutil.copyfile(self._saved_file, target)
        self.params["dims"] = list(self._dims)
        return ["concat.weights.h5"]

    def _load_weights(self, directory: Path) -> None:
        self._dims = tuple(self.params.get("dims", (384, 1280)))
        self._net = None
        self._saved_file = Path(directory) / "concat.weights.h5"
        self._weights = read_keras_weights(self._saved_file)
        hidden = self._weights.get("hidden", [np.zeros((0, 0))])[0]
        if hidden.shape != (sum(self._dims), self.params["hidden"]) or "image_norm" not in self._weights:
            raise EshoppyeError(f"{self._saved_file}: poids incompatibles avec model.json "
                                f"(dimensions {self._dims}, couche cachée {self.params['hidden']})")


def fit_fusion(name: str, dataset, parts: dict, available: dict, progress: bool = True,
               params: dict | None = None) -> Model:
    """Train a fusion model on the training split (bases must be trained for ``fusion-late``);
    ``params`` are constructor parameters (e.g. ``{"encoder": "e5"}`` for ``fusion-concat``)."""
    from eshoppye.models.base import create

    train = dataset.frame.iloc[parts["train"]]
    y = train["prdtypecode"].to_numpy()
    model = create(name, **(params or {}))
    if name == "fusion-late":
        missing = [b for b in model.params["bases"] if b not in available]
        if missing:
            raise EshoppyeError(f"fusion-late: entraînez d'abord {', '.join(missing)} "
                                f"(eshoppye train --models {','.join(missing)},fusion-late)")
        model.fit(train, y, progress=progress)
        model.attach(available)
    else:
        model.fit(train, y, progress=progress)
    return model
