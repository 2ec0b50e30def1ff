"""The original eShopPye text families: Embedding -> Bi-LSTM / LSTM / GRU / Conv1D -> Dense,
built and trained with Keras (:func:`build_text_rnn`, :class:`KerasTextModel` and its four
registered subclasses ``text-bilstm``, ``text-lstm``, ``text-gru``, ``text-conv1d``), and run at
prediction time in numpy (:mod:`eshoppye.models.numpy_forward`) from their saved
``.weights.h5``: loading and predicting never imports TensorFlow.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import ClassVar

import numpy as np

from eshoppye.data import holdout_split
from eshoppye.errors import EshoppyeError
from eshoppye.keras_runtime import seed_keras
from eshoppye.models.base import Model, class_index, load_json, register, save_json, text_columns
from eshoppye.models.numpy_forward import net_weights, read_keras_weights, text_rnn_forward
from eshoppye.text import clean_description, clean_title, tokens

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
    hold-out, fixed seed), numpy inference and persistence shared by the original families;
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
        self._net = None  # the Keras network: built to train, or on demand (keras_net)
        self._weights: dict = {}  # layer name -> arrays, what prediction runs on
        self._saved_file: Path | None = None

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
        self._net.compile(optimizer=keras.optimizers.Adam(2e-3),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        self._net.fit(seqs[fit_pos], yi[fit_pos], validation_data=(seqs[stop_pos], yi[stop_pos]),
                      epochs=self.params["epochs"], batch_size=self.params["batch_size"],
                      shuffle=True, verbose=2 if progress else 0,
                      callbacks=[keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)])
        self._weights = net_weights(self._net)
        self._saved_file = None
        return self

    def keras_net(self):
        """The Keras network with this model's weights (for training code and parity checks;
        prediction does not need it)."""
        if self._net is None:
            self._net = self._build()
            self._net.load_weights(self._saved_file)
        return self._net

    def predict_proba(self, X) -> np.ndarray:
        """Forward pass in numpy (:func:`text_rnn_forward`), by chunks of 2,048 rows."""
        self._check_fitted()
        seqs = self._encode(X)
        if not len(seqs):
            return np.zeros((0, len(self.classes_)))
        return np.concatenate([text_rnn_forward(self._weights, self.layer, seqs[i:i + 2048])
                               for i in range(0, len(seqs), 2048)])

    def _save_weights(self, directory: Path) -> list[str]:
        save_json(directory / "tokenizer.json", {"vocab": self.vocab_})
        target = Path(directory) / self._weights_file
        if self._net is not None:
            self._net.save_weights(target)
        elif Path(self._saved_file).resolve() != target.resolve():  # loaded, never rebuilt: same bytes
            shutil.copyfile(self._saved_file, target)
        return ["tokenizer.json", self._weights_file]

    def _load_weights(self, directory: Path) -> None:
        self.vocab_ = load_json(directory / "tokenizer.json")["vocab"]
        self._index = {t: i + 2 for i, t in enumerate(self.vocab_)}
        self._net = None
        self._saved_file = Path(directory) / self._weights_file
        self._weights = read_keras_weights(self._saved_file)
        want = (len(self.vocab_) + 2, self.params["embed_dim"])
        if "embedding" not in self._weights or self._weights["embedding"][0].shape != want \
                or self.layer not in self._weights:
            raise EshoppyeError(f"{self._saved_file}: poids incompatibles avec model.json "
                                f"(couche {self.layer}, vocabulaire {want[0]})")


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
