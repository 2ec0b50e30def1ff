"""Helpers of the hostile-input corpus: every input is generated here, never committed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
TITLES = ["Pompe à chaleur piscine 9 kW", "Croquettes pour chat 10 kg", "Manette sans fil PS4 noire",
          "Harry Potter à l'école des sorciers poche", "Tondeuse à gazon thermique 46 cm",
          "Peluche ours brun 30 cm", "Lot de 4 coussins déhoussables", "Figurine Funko Pop Batman"]


def titles(n: int) -> list[str]:
    return [f"{TITLES[i % len(TITLES)]} réf {i}" for i in range(n)]


@pytest.fixture
def predict(tmp_path, capsys):
    """Run ``eshoppye predict`` in-process with the bundled text-tfidf model on ``raw`` bytes:
    returns (exit code, output frame or None, stdout, stderr)."""
    from eshoppye.cli import main

    def run(raw: bytes, *extra: str, output: Path | None = None):
        inp = tmp_path / "in.csv"
        inp.write_bytes(raw)
        out = output or tmp_path / "out.csv"
        rc = main(["predict", "--models", str(MODELS), "--only", "text-tfidf", "--input", str(inp),
                   "--output", str(out), *extra])
        cap = capsys.readouterr()
        frame = pd.read_csv(out, dtype=str, keep_default_na=False) if out.is_file() else None
        return rc, frame, cap.out, cap.err

    return run
