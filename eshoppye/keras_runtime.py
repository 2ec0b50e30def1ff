"""Starting Keras the same way everywhere: TensorFlow imported without its start-up chatter
(:func:`quiet_tensorflow`) and seeded, deterministic ops (:func:`seed_keras`, the one seeding
function every Keras model calls before it builds a network). Importing this module does not
import TensorFlow.
"""

from __future__ import annotations

import os
import sys

from eshoppye.config import SEED


def quiet_tensorflow() -> None:
    """Import TensorFlow without its C++ start-up chatter on stderr.

    ``TF_CPP_MIN_LOG_LEVEL`` defaults to 3 (unless the user set it), and the first import runs
    with file descriptor 2 pointed at /dev/null, because TensorFlow prints some lines (oneDNN,
    CPU features) before its logging is initialised. Python exceptions still propagate.
    Set ``ESHOPPYE_TF_VERBOSE=1`` to see everything.
    """
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ.get("ESHOPPYE_TF_VERBOSE"):
        import tensorflow  # noqa: F401
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        import tensorflow  # noqa: F401
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def seed_keras(seed: int = SEED) -> None:
    """Quiet TensorFlow, seed Python, numpy and TensorFlow with ``seed``, ask for deterministic ops."""
    quiet_tensorflow()
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # noqa: BLE001 - older TF / already set
        pass
