"""eShopPye: multimodal (text + image) product classification for the Rakuten France catalogue.

Pipeline stages, one module each: ``data`` (read the challenge files), ``text`` (clean text),
``image`` (read images, EfficientNet-Lite backbone, feature cache), ``models`` (classifiers with
the scikit-learn contract), ``train``, ``evaluate``, ``predict``, ``registry`` (model manifest,
download, cache). ``cli`` is the ``eshoppye`` command line.
"""

__version__ = "0.1.0"

from eshoppye.errors import EshoppyeError  # noqa: E402,F401
