"""eShopPye: multimodal (text + image) product classification for the Rakuten France catalogue.

Entry points (``cli``, the Streamlit pages) call the stages (``train``, ``evaluate``, ``predict``,
``explore``, ``app_state``, ``app_models``), which use ``registry`` (model manifest, download, cache) and
``models`` (classifiers with the scikit-learn contract), which use the primitives (``data``,
``text``, ``image``, ``categories``, ``keras_runtime``). See ARCHITECTURE.md.
"""

__version__ = "0.1.0"

from eshoppye.errors import EshoppyeError  # noqa: E402,F401
