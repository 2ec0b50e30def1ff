"""The image stage: read pictures safely, preprocess them, and turn them into backbone features.

Four modules, from the bottom up: ``io`` (load, check, preprocess pictures), ``torch_weights``
(a restricted, numpy-only reader for PyTorch ``.pth`` files), ``efficientnet_lite`` (the Keras
architecture, weight conversion and the memoised backbone) and ``features`` (batch extraction and
the on-disk feature cache). This package re-exports their public names. Beside them, ``prior``
turns the backbone's own ImageNet classifier into a prior over the 27 categories (imported as
``eshoppye.image.prior``, not re-exported). TensorFlow is imported
inside the functions that need it, never at import.
"""

from eshoppye.image.io import (  # noqa: F401
    BOMB_PIXELS_PER_BYTE,
    MAX_IMAGE_BYTES,
    MAX_PIXELS,
    PREPROCESS_VERSION,
    load_image,
    preprocess,
    read_image_bytes,
)
from eshoppye.image.torch_weights import read_torch_state_dict  # noqa: F401
from eshoppye.image.efficientnet_lite import (  # noqa: F401
    FEATURE_DIM,
    VARIANTS,
    backbone_version,
    block_specs,
    build_efficientnet_lite,
    convert_state_dict,
    load_backbone,
    locate_weights,
    variant_config,
    weights_sha256,
)
from eshoppye.image.features import (  # noqa: F401
    FeatureCache,
    FeatureResult,
    extract_features,
    feature_cache,
    features_for,
    image_features,
    uncached_features,
)
