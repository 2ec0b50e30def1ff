"""Occlusion map of the image model (eshoppye.explain): hiding the object matters, hiding the
empty white margin does not."""

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_occlusion_map_points_at_the_object(tmp_path):
    from eshoppye.explain import occlusion_map, overlay
    from eshoppye.models.base import load_model

    model_dir = ROOT / "models" / "image-effnet"
    if not (model_dir / "model.json").is_file():
        pytest.skip("image-effnet absent de models/")
    model = load_model(model_dir)
    from PIL import Image

    # a red square in the centre of a white picture: the object is in the middle
    img = Image.new("RGB", (256, 256), (255, 255, 255))
    img.paste((200, 20, 20), (80, 80, 176, 176))
    path = tmp_path / "objet.png"
    img.save(path)
    feats_code = int(model.classes_[int(np.argmax(occlusion_probe(model, path)))])
    heat = occlusion_map(model, path, feats_code, grid=5)
    assert heat.shape == (5, 5) and (heat >= 0).all()
    assert heat.max() > 0  # hiding some square lowers the probability of the category
    assert heat[1:4, 1:4].sum() >= heat[[0, 4], :].sum() / 2  # the centre matters at least as much as the margin
    out = overlay(path, heat, size=160)
    assert out.size == (160, 160)


def occlusion_probe(model, path):
    from eshoppye.image import image_features

    return model.proba_from_features(image_features(path)[None])[0]
