"""Classifiers with the scikit-learn contract (``fit``, ``predict_proba``, ``classes_``).

Importing this package never imports TensorFlow: Keras is imported inside the methods of the
models that use it.
"""

from eshoppye.models.base import Model, load_model, read_meta, register, verify_files  # noqa: F401
from eshoppye.models import text  # noqa: F401,E402  (registers the text models)

try:  # image and fusion models register themselves when their modules are present
    from eshoppye.models import image  # noqa: F401
except ImportError:  # pragma: no cover
    pass
try:
    from eshoppye.models import fusion  # noqa: F401
except ImportError:  # pragma: no cover
    pass

MODEL_CLASSES = {
    "text-tfidf": "TfidfTextModel",
    "text-bilstm": "BiLSTMTextModel",
    "text-embed": "EmbedTextModel",
    "image-effnet": "ImageEffnetModel",
    "fusion-late": "LateFusionModel",
    "fusion-concat": "ConcatFusionModel",
}


def create(name: str, **params) -> Model:
    """A new, unfitted model by its registry name (``text-tfidf``, ...)."""
    from eshoppye.errors import EshoppyeError
    from eshoppye.models.base import _REGISTRY

    cls = _REGISTRY.get(MODEL_CLASSES.get(name, ""))
    if cls is None:
        raise EshoppyeError(f"modèle inconnu ou indisponible: {name}")
    return cls(**params)
