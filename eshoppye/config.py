"""Paths, defaults and the fixed random seed shared by every stage."""

from __future__ import annotations

import os
from pathlib import Path

SEED = 42
ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA_DIR = ROOT / "data" / "sample"
BUNDLED_MODELS_DIR = ROOT / "models"
REPORTS_DIR = ROOT / "reports"
METRICS_PATH = REPORTS_DIR / "metrics.json"
# The original project's text families (``eshoppye train --models seed``): measured in
# reports/metrics.json and shown as a group in the app; only text-bilstm is bundled in models/.
ORIGINAL_MODELS = ("text-conv1d", "text-lstm", "text-gru", "text-bilstm")


def default_data_dir() -> Path:
    """``ESHOPPYE_DATA_DIR`` when set, else the bundled synthetic sample catalogue."""
    env = os.environ.get("ESHOPPYE_DATA_DIR", "").strip()
    return Path(env).expanduser() if env else SAMPLE_DATA_DIR


def is_sample(data_dir: Path | str) -> bool:
    """True when ``data_dir`` is the bundled synthetic catalogue."""
    try:
        return Path(data_dir).resolve() == SAMPLE_DATA_DIR.resolve()
    except OSError:
        return False


def cache_dir() -> Path:
    """User cache directory for downloaded models and backbone features (``ESHOPPYE_CACHE``)."""
    env = os.environ.get("ESHOPPYE_CACHE", "").strip()
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "eshoppye"


def display_path(p: Path | str) -> str:
    """``p`` relative to the repository root when inside it (as recorded in metrics), else as given."""
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return str(p)
