"""Classifiers with the scikit-learn contract (``fit``, ``predict_proba``, ``classes_``).

``base`` holds the contract, the registry (:func:`create`, :func:`load_model`) and the safe
artefact helpers; ``text``, ``text_rnn``, ``image`` and ``fusion`` hold the models
(``numpy_forward`` runs the small Keras networks without TensorFlow), which register themselves
when imported (importing any module of this package imports them all); ``ensemble`` runs a
directory of saved models together. Importing this package never imports TensorFlow: Keras is
imported inside the methods of the models that use it.
"""

from eshoppye.models.base import (MODEL_CLASSES, Model, create, load_model, read_meta,  # noqa: F401
                                  register, verify_files)
from eshoppye.models import fusion, image, text, text_rnn  # noqa: F401,E402  (the models register themselves)
from eshoppye.models.ensemble import load_models, model_probas  # noqa: F401,E402
