"""Model registry: the manifest, local copies and safe downloads (Google Drive or https).

A model resolves from the cache, then its bundled path, then its remote sources in order; every
file is checked against its sha256 in the manifest, and nothing downloaded is ever unpickled
(model files are read by :func:`eshoppye.models.base.load_model`, which refuses pickles).
Modules, from the bottom up: ``sources`` (URL / Drive id checks, the download function),
``manifest`` (schema, validation), ``build`` (entries from model directories), ``loading``
(manifest from file, URL or Drive), ``cache`` (local copies and their status), ``archive``
(safe extraction, deterministic packs), ``download`` (:func:`resolve`), ``publish``. This package
re-exports their public names and imports neither TensorFlow nor scikit-learn.
"""

from eshoppye.registry.sources import (  # noqa: F401
    NetworkError, ProgressFn, SourceError, check_gdrive_id, check_url, gdrive_id_from, is_loopback_url)
from eshoppye.registry.manifest import (  # noqa: F401
    KINDS, MANIFEST_FORMAT, MANIFEST_NAME, PACK_FORMATS, SOURCE_KINDS, dump_json, get_entry, human_size,
    read_manifest_file, validate_entry, validate_manifest)
from eshoppye.registry.build import build_manifest, entry_from_dir, read_metrics, record_entry, write_manifest  # noqa: F401
from eshoppye.registry.loading import default_manifest_path, load_manifest  # noqa: F401
from eshoppye.registry.cache import (  # noqa: F401
    BUNDLED, CACHED, MISSING, REMOTE, bundled_paths, cache_path, check_dir, list_models, models_cache_dir, status,
    verify_all)
from eshoppye.registry.archive import extract_pack, write_pack  # noqa: F401
from eshoppye.registry.download import LOCK_TIMEOUT, resolve  # noqa: F401
from eshoppye.registry.publish import publish, upload_instructions  # noqa: F401
