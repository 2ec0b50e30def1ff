"""A restricted reader for PyTorch ``.pth`` state dicts, with numpy alone.

:func:`read_torch_state_dict` reads both the zip and the legacy formats through an unpickler that
only accepts the few globals a plain tensor state dict needs (no torch import, no arbitrary code);
anything else is refused with one French line.
"""

from __future__ import annotations


import collections
import io
import pickle
import zipfile
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from eshoppye.errors import EshoppyeError


_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class _StorageType:
    """Numpy-side stand-in for a ``torch.*Storage`` class."""

    def __init__(self, name: str):
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name]).newbyteorder("<")


class _Storage:
    def __init__(self, stype: _StorageType, numel: int):
        self.stype = stype
        self.numel = int(numel)
        self.array: np.ndarray | None = None


class _TensorRef:
    """A tensor whose storage bytes are not read yet (legacy files keep them after the pickles)."""

    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple):
        self.storage, self.offset, self.size, self.stride = storage, int(offset), tuple(size), tuple(stride)

    def materialize(self, label: str) -> np.ndarray:
        base = self.storage.array
        if base is None:
            raise EshoppyeError(f"{label} : données d'un tenseur absentes du fichier")
        n = int(np.prod(self.size)) if self.size else 1
        if n == 0:
            return np.zeros(self.size, dtype=base.dtype)
        last = self.offset + sum((s - 1) * st for s, st in zip(self.size, self.stride))
        if self.offset < 0 or last >= base.size or any(st < 0 for st in self.stride):
            raise EshoppyeError(f"{label} : tenseur hors des limites de son stockage (fichier corrompu)")
        item = base.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            base[self.offset:], shape=self.size, strides=tuple(st * item for st in self.stride)
        )
        return np.array(view, dtype=base.dtype.newbyteorder("="), copy=True)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if not isinstance(storage, _Storage):
        raise EshoppyeError("fichier de poids invalide : tenseur sans stockage")
    return _TensorRef(storage, storage_offset, size, stride)


class _SafeUnpickler(pickle.Unpickler):
    """Unpickler that only knows the few globals a plain state dict needs."""

    def __init__(self, fp, label: str, storages: dict[str, _Storage], zip_mode: bool = False):
        super().__init__(fp)
        self.label = label
        self.storages = storages
        self.zip_mode = zip_mode

    def find_class(self, module: str, name: str):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise EshoppyeError(
            f"{self.label} : fichier de poids refusé, il référence '{module}.{name}' "
            "(seuls les tenseurs d'un state dict sont acceptés)"
        )

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise EshoppyeError(f"{self.label} : référence de stockage invalide dans le fichier de poids")
        stype, key, _location, numel = pid[1], str(pid[2]), pid[3], pid[4]
        if not isinstance(stype, _StorageType):
            raise EshoppyeError(f"{self.label} : type de stockage inconnu dans le fichier de poids")
        if key not in self.storages:
            self.storages[key] = _Storage(stype, numel)
        storage = self.storages[key]
        view = pid[5] if len(pid) > 5 else None
        if view is not None:  # legacy storage views: (view_key, offset, size)
            _vkey, voffset, vsize = view
            sub = _Storage(stype, vsize)
            sub.view_of = (storage, int(voffset))  # type: ignore[attr-defined]
            return sub
        return storage


def read_torch_state_dict(path: Path | str) -> dict[str, np.ndarray]:
    """Read a PyTorch state dict (legacy or zip ``.pth``) into numpy arrays, without torch.

    Only ``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2`` and the
    ``torch.*Storage`` types may appear in the pickle; any other global (``os.system``...)
    is refused with an :class:`EshoppyeError` before anything is called.
    """
    path = Path(path)
    label = str(path)
    if not path.is_file():
        raise EshoppyeError(f"{label} : fichier de poids introuvable")
    try:
        if zipfile.is_zipfile(path):
            return _read_zip_state_dict(path, label)
        with open(path, "rb") as f:
            return _read_legacy_state_dict(f, label)
    except EshoppyeError:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated/corrupt file
        raise EshoppyeError(f"{label} : fichier de poids PyTorch illisible ({exc.__class__.__name__})") from None


def _plain_load(f, label: str):
    return _SafeUnpickler(f, label, {}).load()


def _finish(result: Any, label: str) -> dict[str, np.ndarray]:
    if not isinstance(result, dict):
        raise EshoppyeError(f"{label} : le fichier de poids ne contient pas un state dict")
    out: dict[str, np.ndarray] = {}
    for k, v in result.items():
        if not isinstance(k, str) or not isinstance(v, _TensorRef):
            raise EshoppyeError(f"{label} : entrée inattendue dans le state dict ({k!r})")
        out[k] = v.materialize(label)
    return out


def _resolve_views(storages: Iterable[_Storage]) -> None:
    for st in storages:
        parent = getattr(st, "view_of", None)
        if parent is not None:
            base, off = parent
            st.array = base.array[off: off + st.numel]


def _read_legacy_state_dict(f, label: str) -> dict[str, np.ndarray]:
    magic = _plain_load(f, label)
    if magic != _LEGACY_MAGIC:
        raise EshoppyeError(f"{label} : ce n'est pas un fichier de poids PyTorch (nombre magique invalide)")
    protocol = _plain_load(f, label)
    if protocol != 1001:
        raise EshoppyeError(f"{label} : version de format PyTorch non prise en charge ({protocol})")
    sys_info = _plain_load(f, label)
    if isinstance(sys_info, dict) and not sys_info.get("little_endian", True):
        raise EshoppyeError(f"{label} : fichier de poids big-endian non pris en charge")
    storages: dict[str, _Storage] = {}
    unpickler = _SafeUnpickler(f, label, storages)
    views: list[_Storage] = []
    orig = unpickler.persistent_load

    def persistent_load(pid):
        st = orig(pid)
        if getattr(st, "view_of", None) is not None:
            views.append(st)
        return st

    unpickler.persistent_load = persistent_load  # type: ignore[method-assign]
    result = unpickler.load()
    keys = _plain_load(f, label)
    if not isinstance(keys, list):
        raise EshoppyeError(f"{label} : liste des stockages invalide")
    for key in keys:
        st = storages.get(str(key))
        if st is None:
            raise EshoppyeError(f"{label} : stockage inconnu '{key}'")
        header = f.read(8)
        if len(header) != 8:
            raise EshoppyeError(f"{label} : fichier de poids tronqué")
        numel = int.from_bytes(header, "little", signed=True)
        nbytes = numel * st.stype.dtype.itemsize
        raw = f.read(nbytes)
        if numel < 0 or len(raw) != nbytes:
            raise EshoppyeError(f"{label} : fichier de poids tronqué")
        st.array = np.frombuffer(raw, dtype=st.stype.dtype)
    _resolve_views(views)
    return _finish(result, label)


def _read_zip_state_dict(path: Path, label: str) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
        if len(pkl) != 1:
            raise EshoppyeError(f"{label} : archive PyTorch sans data.pkl")
        prefix = pkl[0][: -len("data.pkl")]
        storages: dict[str, _Storage] = {}
        with zf.open(pkl[0]) as fp:
            result = _SafeUnpickler(io.BytesIO(fp.read()), label, storages, zip_mode=True).load()
        for key, st in storages.items():
            member = f"{prefix}data/{key}"
            if member not in names:
                raise EshoppyeError(f"{label} : stockage '{key}' absent de l'archive")
            raw = zf.read(member)
            st.array = np.frombuffer(raw, dtype=st.stype.dtype)
    return _finish(result, label)
