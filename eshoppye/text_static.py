"""Static sentence embeddings distilled from multilingual-e5-small: the verified token table
(``eshoppye/resources/static_e5.npz`` + ``static_e5.json``), e5's SentencePiece-unigram
segmentation restricted to the table's pieces, and the encoder that turns a text into the
L2-normalised weighted mean of its token vectors. The table is built once by
``scripts/build_static_embeddings.py`` (each word and subword piece encoded by e5 with the
"query: " prefix, PCA, SIF weighting folded into the rows, int8 with a per-row scale); this
module only reads it, after checking its sha256, and never needs e5 at run time."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path

import numpy as np

from eshoppye.errors import EshoppyeError

RESOURCES = Path(__file__).resolve().parent / "resources"
TABLE_NAME = "static_e5"
META = "\u2581"  # SentencePiece word-start marker
FORMAT = 1
_WORD_RE = re.compile(r"[^\W_]+")
_CACHE_LIMIT = 500_000  # words whose row ids are remembered
#: A longer "word" (a run of letters and digits: keyboard noise, a pasted hash or base64) carries
#: no meaning and would otherwise weigh as dozens of subword pieces: it contributes nothing.
MAX_WORD_CHARS = 40


def table_paths(directory: Path | str | None = None, name: str = TABLE_NAME) -> tuple[Path, Path]:
    """(``.npz``, ``.json``) paths of a table."""
    directory = Path(directory) if directory is not None else RESOURCES
    return directory / f"{name}.npz", directory / f"{name}.json"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class UnigramSegmenter:
    """SentencePiece-unigram Viterbi segmentation of one word (``"\u2581" + word``) over a
    fixed set of pieces with their log-probabilities; characters no piece covers become one
    unknown piece each (returned as ``None``). XLM-R pieces never contain an inner word-start
    marker, so segmenting word by word equals segmenting the whole text."""

    def __init__(self, pieces, scores):
        self.score = {str(p): float(s) for p, s in zip(pieces, scores) if p}
        self.maxlen = max((len(p) for p in self.score), default=1)
        self.unk_score = (min(self.score.values(), default=0.0)) - 10.0

    def segment(self, word: str) -> list[str | None]:
        s = META + word
        n = len(s)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back = [0] * (n + 1)
        piece: list[str | None] = [None] * (n + 1)
        score, maxlen = self.score, self.maxlen
        for i in range(n):
            b = best[i]
            if b <= -1e29:
                continue
            for e in range(i + 1, min(n, i + maxlen) + 1):
                sc = score.get(s[i:e])
                if sc is not None and b + sc > best[e]:
                    best[e], back[e], piece[e] = b + sc, i, s[i:e]
            if b + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1], piece[i + 1] = b + self.unk_score, i, None
        out = []
        i = n
        while i > 0:
            out.append(piece[i])
            i = back[i]
        return out[::-1]


def words_of(text: str) -> list[str]:
    """Word tokens (letters and digits) of an encoder text (see :func:`eshoppye.text.encoder_text`)."""
    return _WORD_RE.findall(text)


class StaticEncoder:
    """A loaded token table: ``encode(texts)`` -> ``(n, dim)`` float32, rows L2-normalised
    (all zeros for a text without any known token)."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict):
        self.meta = meta
        keys = arrays["keys"]
        is_piece = arrays["is_piece"].astype(bool)
        vectors = arrays["vectors"].astype(np.float32) * arrays["scales"].astype(np.float32)[:, None]
        self.vectors = np.ascontiguousarray(vectors)
        self.dim = int(self.vectors.shape[1])
        self.keys = [str(k) for k in keys]
        self._words = {str(k): i for i, k in enumerate(keys) if not is_piece[i]}
        pieces = [str(k) for k, p in zip(keys, is_piece) if p]
        self._pieces = {str(k): i for i, k in enumerate(keys) if is_piece[i]}
        self._segmenter = UnigramSegmenter(pieces, arrays["scores"][is_piece])
        self._rows: dict[str, tuple[int, ...]] = {}
        self._lock = threading.Lock()

    # -- tokens -------------------------------------------------------------------------------
    def rows_of_word(self, word: str) -> tuple[int, ...]:
        rows = self._rows.get(word)
        if rows is None:
            i = self._words.get(word)
            if len(word) > MAX_WORD_CHARS:
                rows = ()
            elif i is not None:
                rows = (i,)
            else:
                rows = tuple(self._pieces[p] for p in self._segmenter.segment(word)
                             if p is not None and p in self._pieces)
            if len(self._rows) < _CACHE_LIMIT:
                with self._lock:
                    self._rows[word] = rows
        return rows

    def tokens(self, text: str) -> list[str]:
        """The table entries a text is made of (words, or pieces of unknown words)."""
        return [self.keys[r] for w in words_of(text) for r in self.rows_of_word(w)]

    # -- sentences ----------------------------------------------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        """Sum of the (already weighted) token rows of each text, L2-normalised."""
        from scipy import sparse

        indptr = [0]
        indices: list[int] = []
        for t in texts:
            for w in words_of(t):
                indices.extend(self.rows_of_word(w))
            indptr.append(len(indices))
        counts = sparse.csr_matrix((np.ones(len(indices), dtype=np.float32),
                                    np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
                                   shape=(len(texts), len(self.vectors)))
        out = np.asarray(counts @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def save_table(directory: Path | str, arrays: dict[str, np.ndarray], meta: dict,
               name: str = TABLE_NAME) -> tuple[Path, Path]:
    """Write ``name.npz`` (no object arrays) and ``name.json`` (meta + sha256 of the npz)."""
    npz, js = table_paths(directory, name)
    npz.parent.mkdir(parents=True, exist_ok=True)
    for k, a in arrays.items():
        if a.dtype == object:
            raise ValueError(f"object array refused: {k}")
    data = _npz_bytes(arrays)
    npz.write_bytes(data)
    meta = {**meta, "format": FORMAT, "file": npz.name, "sha256": sha256_bytes(data),
            "size": len(data)}
    js.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return npz, js


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A compressed ``.npz`` whose bytes depend only on the arrays (fixed zip timestamps), so a
    rebuild from the same inputs yields the same sha256."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for k in sorted(arrays):
            info = zipfile.ZipInfo(f"{k}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            arr = io.BytesIO()
            np.lib.format.write_array(arr, np.ascontiguousarray(arrays[k]), allow_pickle=False)
            zf.writestr(info, arr.getvalue())
    return buf.getvalue()


def load_table(directory: Path | str | None = None, name: str = TABLE_NAME) -> StaticEncoder:
    """Read a table after checking the npz's sha256 against its JSON; never unpickles."""
    npz, js = table_paths(directory, name)
    if not npz.is_file() or not js.is_file():
        raise EshoppyeError(f"{npz}: table d'embeddings statiques introuvable (lancez "
                            f"python3 scripts/build_static_embeddings.py)")
    try:
        meta = json.loads(js.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EshoppyeError(f"{js}: description de la table illisible ({exc.__class__.__name__})") from None
    data = npz.read_bytes()
    if meta.get("format") != FORMAT or sha256_bytes(data) != meta.get("sha256"):
        raise EshoppyeError(f"{npz}: empreinte sha256 incorrecte, table corrompue ou modifiée")
    import io

    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise EshoppyeError(f"{npz}: table illisible ({exc.__class__.__name__})") from None
    for k in ("keys", "is_piece", "scores", "vectors", "scales"):
        if k not in arrays:
            raise EshoppyeError(f"{npz}: tableau '{k}' absent de la table")
    return StaticEncoder(arrays, meta)


_LOADED: dict[str, StaticEncoder] = {}
_LOAD_LOCK = threading.Lock()


def default_encoder() -> StaticEncoder:
    """The bundled table, loaded once per process."""
    with _LOAD_LOCK:
        if TABLE_NAME not in _LOADED:
            _LOADED[TABLE_NAME] = load_table()
        return _LOADED[TABLE_NAME]
