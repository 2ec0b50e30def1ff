"""Inference of the small Keras networks in numpy, without TensorFlow: reading the layer weights
of a saved ``.weights.h5`` (:func:`read_keras_weights`, h5py only, nothing executed) and the
forward passes of the text networks of :func:`eshoppye.models.text_rnn.build_text_rnn` (Embedding
with masking of the padding id 0, Bi-LSTM / LSTM / GRU / Conv1D, Dense layers) and of the
``fusion-concat`` head (LayerNormalization, Concatenate, Dense). Keras stays the training engine;
these functions reproduce its inference arithmetic (float32, same gate order, same masking) so a
saved model predicts the same probabilities (checked against Keras in ``tests/test_numpy_forward.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from eshoppye.errors import EshoppyeError

Weights = dict[str, list[np.ndarray]]
_BLAS = None  # threadpoolctl controller, made on first use


def one_blas_thread():
    """A block in which BLAS runs on one thread. The matrices here are small (a product, or a
    batch times 64 cells per time step): a second BLAS thread does not help them, and on a busy
    2-core machine its spinning made a 600-row Bi-LSTM pass ten times slower (0.6 s against 0.06 s)."""
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


# -- reading the weights ------------------------------------------------------------------------

def _vars(group) -> list[np.ndarray]:
    """The variables of one saved layer, in Keras ``get_weights()`` order."""
    if "forward_layer" in group:  # Bidirectional: forward weights, then backward weights
        return _vars(group["forward_layer"]) + _vars(group["backward_layer"])
    if "cell" in group:  # recurrent layers keep their variables on the cell
        return _vars(group["cell"])
    if "vars" not in group:
        return []
    v = group["vars"]
    return [np.asarray(v[k], dtype=np.float32) for k in sorted(v, key=int)]


def read_keras_weights(path: Path | str) -> Weights:
    """``{layer name: [arrays]}`` of a Keras 3 ``.weights.h5`` file (the names given when the
    network was built, e.g. ``embedding``, ``bilstm``, ``probs``), optimizer state left out."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            out = {}
            for key in f["layers"]:
                group = f["layers"][key]
                name = group["vars"].attrs.get("name", key) if "vars" in group else key
                out[str(name)] = _vars(group)
            return out
    except (OSError, KeyError, ValueError) as exc:
        # a ValueError: the model loader (models.base.load_model) reports it in one line naming
        # the model's folder, as for any other refused or damaged file
        raise ValueError(f"{Path(path).name}: poids Keras illisibles ({exc.__class__.__name__})") from None


def net_weights(net) -> Weights:
    """The same mapping taken from a live Keras network (just after training)."""
    return {layer.name: [np.asarray(w, dtype=np.float32) for w in layer.get_weights()]
            for layer in net.layers}


# -- layers ---------------------------------------------------------------------------------------

def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the logistic function, without overflow


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def dense(x: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    return x @ w[0] + w[1]


def lstm(x: np.ndarray, mask: np.ndarray | None, w: list[np.ndarray], reverse: bool = False) -> np.ndarray:
    """Last output of a Keras LSTM (gates i, f, c, o; tanh / sigmoid) over ``x`` of shape
    (n, T, d). At a masked step the state is carried over unchanged, as Keras does."""
    kernel, recurrent, bias = w
    n, steps, _ = x.shape
    units = recurrent.shape[0]
    xz = x @ kernel + bias  # (n, T, 4u) input projections of every step at once
    h = np.zeros((n, units), dtype=np.float32)
    c = np.zeros((n, units), dtype=np.float32)
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        z = xz[:, t] + h @ recurrent
        i = _sigmoid(z[:, :units])
        f = _sigmoid(z[:, units:2 * units])
        g = np.tanh(z[:, 2 * units:3 * units])
        o = _sigmoid(z[:, 3 * units:])
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        if mask is None:
            h, c = h_new, c_new
        else:
            m = mask[:, t:t + 1]
            h, c = np.where(m, h_new, h), np.where(m, c_new, c)
    return h


def gru(x: np.ndarray, mask: np.ndarray | None, w: list[np.ndarray]) -> np.ndarray:
    """Last output of a Keras GRU (``reset_after=True``: gates z, r, h; separate input and
    recurrent biases), masked steps carrying the state over."""
    kernel, recurrent, bias = w
    n, steps, _ = x.shape
    units = recurrent.shape[0]
    b_in, b_rec = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    xz = x @ kernel + b_in
    h = np.zeros((n, units), dtype=np.float32)
    for t in range(steps):
        rec = h @ recurrent + b_rec
        xt = xz[:, t]
        z = _sigmoid(xt[:, :units] + rec[:, :units])
        r = _sigmoid(xt[:, units:2 * units] + rec[:, units:2 * units])
        hh = np.tanh(xt[:, 2 * units:] + r * rec[:, 2 * units:])
        h_new = z * h + (1.0 - z) * hh
        h = h_new if mask is None else np.where(mask[:, t:t + 1], h_new, h)
    return h


def conv1d_same(x: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    """Keras ``Conv1D(padding="same", activation="relu")`` (stride 1) over (n, T, d)."""
    kernel, bias = w  # (width, d, filters)
    width = kernel.shape[0]
    left = (width - 1) // 2
    padded = np.pad(x, ((0, 0), (left, width - 1 - left), (0, 0)))
    steps = x.shape[1]
    out = np.zeros((x.shape[0], steps, kernel.shape[2]), dtype=np.float32) + bias
    for k in range(width):
        out += padded[:, k:k + steps] @ kernel[k]
    return _relu(out)


def layer_norm(x: np.ndarray, w: list[np.ndarray], epsilon: float = 1e-3) -> np.ndarray:
    """Keras ``LayerNormalization`` over the last axis (default epsilon 1e-3), gamma then beta."""
    gamma, beta = w
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + epsilon) * gamma + beta


# -- the networks -----------------------------------------------------------------------------------

def text_rnn_forward(weights: Weights, layer: str, seqs: np.ndarray) -> np.ndarray:
    """Probabilities of the text network of ``build_text_rnn(layer=...)`` for token ids ``seqs``
    (n, maxlen), 0 = padding (masked for the recurrent layers, a learned token for conv1d)."""
    with one_blas_thread():
        return _text_rnn_forward(weights, layer, np.asarray(seqs, dtype=np.int64))


def _text_rnn_forward(weights: Weights, layer: str, seqs: np.ndarray) -> np.ndarray:
    if layer != "conv1d" and seqs.size:
        # trailing columns that are padding on every row change nothing under the mask
        used = np.flatnonzero((seqs != 0).any(axis=0))
        seqs = seqs[:, : (used[-1] + 1 if len(used) else 1)]
    x = weights["embedding"][0][seqs]  # (n, T, d)
    mask = seqs != 0
    if layer == "bilstm":
        fw, bw = weights["bilstm"][:3], weights["bilstm"][3:]
        h = np.concatenate([lstm(x, mask, fw), lstm(x, mask, bw, reverse=True)], axis=1)
    elif layer == "lstm":
        h = lstm(x, mask, weights["lstm"])
    elif layer == "gru":
        h = gru(x, mask, weights["gru"])
    elif layer == "conv1d":
        h = conv1d_same(x, weights["conv1d"]).max(axis=1)
    else:
        raise EshoppyeError(f"couche de modèle texte inconnue: {layer}")
    h = _relu(dense(h, weights["dense"]))  # Dropout is the identity at inference
    return _softmax(dense(h, weights["probs"])).astype(np.float64)


def concat_head_forward(weights: Weights, text: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Probabilities of the ``fusion-concat`` head of ``build_concat_head``."""
    with one_blas_thread():
        x = np.concatenate([np.asarray(text, dtype=np.float32),
                            layer_norm(np.asarray(image, dtype=np.float32), weights["image_norm"])], axis=1)
        h = _relu(dense(x, weights["hidden"]))
        return _softmax(dense(h, weights["probs"])).astype(np.float64)
