"""What the Modèles page shows, computed without Streamlit from ``reports/metrics.json``: the models
table and per-class F1, the most confused pairs of a confusion matrix (as bars for narrow screens),
the final decision's development-set scores and the reliability of its confidence, and the
original project's text families as a group with their story.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from eshoppye import config
from eshoppye.categories import CODES, label
from eshoppye.predict import UNCERTAIN_BELOW


def confused_pairs(confusion: list[list[int]], classes=CODES, k: int = 10) -> list[dict[str, Any]]:
    """The ``k`` largest off-diagonal cells: true class, predicted class, count, share of the class."""
    cm = np.asarray(confusion, dtype=np.int64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] != len(classes):
        return []
    off = cm.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off, axis=None)
    rows = []
    for flat in order[:k]:
        i, j = np.unravel_index(flat, off.shape)
        n = int(off[i, j])
        if n <= 0:
            break
        support = int(cm[i].sum())
        rows.append({"true": int(classes[i]), "pred": int(classes[j]), "count": n,
                     "share": n / support if support else 0.0})
    return rows


def short_label(code: int, limit: int = 20) -> str:
    """``2583 · piscine et spa`` cut to ``limit`` characters of name (a phone-width axis label)."""
    from eshoppye.categories import name_of

    name = name_of(code)
    return f"{code} · " + (name if len(name) <= limit else name[:limit - 1].rstrip() + "…")


def confusion_bars(confusion: list[list[int]], classes=CODES, k: int = 12) -> pd.DataFrame:
    """The ``k`` most confused pairs for a phone-width bar chart, largest share of the true category
    first: ``pair`` (two short lines, true then predicted), ``count``, ``share`` and their French
    strings ``count_fr`` / ``share_fr``, and the full labels ``true_label`` / ``pred_label``."""
    from eshoppye import fmt

    rows = confused_pairs(confusion, classes, k=len(classes) ** 2)
    rows = sorted(rows, key=lambda r: (-r["share"], -r["count"]))[:k]
    return pd.DataFrame([{"pair": f"{short_label(r['true'])}<br>→ {short_label(r['pred'])}",
                          "count": r["count"], "share": r["share"], "count_fr": fmt.integer(r["count"]),
                          "share_fr": fmt.pct(r["share"]), "true_label": label(r["true"]),
                          "pred_label": label(r["pred"])} for r in rows],
                        columns=["pair", "count", "share", "count_fr", "share_fr", "true_label", "pred_label"])


def dev_decision_line(metrics: dict[str, Any]) -> str | None:
    """One French sentence with the final decision's weighted F1 on the development set (titles,
    photo rows with and without their photo, photo alone), or None when it was not measured."""
    from eshoppye.fmt import num

    dev = metrics.get("dev") or {}
    dec = dev.get("decision") or {}
    if "titles" not in dec:
        return None
    parts = [f"titres seuls {num(dec['titles']['weighted_f1'], 3)}"]
    if "photo_text" in dec and "photo_both" in dec:
        parts.append(f"annonces avec photo : {num(dec['photo_text']['weighted_f1'], 3)} sur le texte seul, "
                     f"{num(dec['photo_both']['weighted_f1'], 3)} avec la photo")
    if "photo_only" in dec:
        parts.append(f"photo seule {num(dec['photo_only']['weighted_f1'], 3)}")
    return (f"Décision finale sur le jeu de développement ({dev.get('n_rows', '?')} annonces écrites à la main, "
            f"{dev.get('n_photos', '?')} avec une vraie photo ; F1 pondéré) : " + " ; ".join(parts) + ".")


def dev_calibration(metrics: dict[str, Any], view: str = "titles") -> dict[str, Any] | None:
    """The final decision's reliability on the development set (``view``), as written by
    ``evaluate.reliability``, or None when it was not measured (an older metrics file)."""
    dec = ((metrics.get("dev") or {}).get("decision") or {}).get(view) or {}
    cal = dec.get("calibration")
    if not isinstance(cal, dict) or not cal.get("n") or not isinstance(cal.get("bins"), list):
        return None
    return cal


def dev_calibration_bars(metrics: dict[str, Any], view: str = "titles") -> pd.DataFrame | None:
    """One row per non-empty confidence bin of :func:`dev_calibration` for a reliability chart:
    ``bin`` (``50–70 %`` and its count on a second line), ``n``, ``confidence`` (announced, mean),
    ``accuracy`` (observed) and their French strings ``n_fr``, ``confidence_fr``, ``accuracy_fr``."""
    from eshoppye import fmt

    cal = dev_calibration(metrics, view)
    if cal is None:
        return None
    rows = []
    for b in cal["bins"]:
        if not b.get("n") or b.get("confidence") is None or b.get("accuracy") is None:
            continue
        n = int(b["n"])
        span = f"{fmt.num(100 * b['low'])}–{fmt.num(100 * b['high'])}{fmt.NNBSP}%"
        rows.append({"bin": f"{span}<br>{fmt.integer(n)} annonce{'s' if n > 1 else ''}", "n": n,
                     "confidence": float(b["confidence"]), "accuracy": float(b["accuracy"]),
                     "n_fr": fmt.integer(n), "confidence_fr": fmt.pct(b["confidence"]),
                     "accuracy_fr": fmt.pct(b["accuracy"])})
    return pd.DataFrame(rows, columns=["bin", "n", "confidence", "accuracy", "n_fr", "confidence_fr",
                                       "accuracy_fr"]) if rows else None


def dev_calibration_sentence(metrics: dict[str, Any], view: str = "titles") -> str | None:
    """One French sentence: how often the final decision is right on the development set when it
    announces at least the uncertainty threshold, and below it (shown as uncertain); None when it
    was not measured."""
    from eshoppye import fmt

    cal = dev_calibration(metrics, view)
    if cal is None:
        return None
    threshold = fmt.pct(cal.get("threshold", UNCERTAIN_BELOW), 0)
    sure, unsure = cal.get("sure") or {}, cal.get("uncertain") or {}

    def share(group: dict) -> str:
        n = int(group.get("n") or 0)
        return f"{fmt.pct(group.get('accuracy'), 0)} des cas ({fmt.integer(n)} annonce{'s' if n > 1 else ''})"

    where = "Sur le jeu de développement" + (" (titres seuls)" if view == "titles" else "")
    if sure.get("n") and unsure.get("n"):
        return (f"{where}, quand la décision annonce au moins {threshold}, elle a raison dans {share(sure)} ; "
                f"en dessous (marquée incertaine), dans {share(unsure)}.")
    if sure.get("n"):
        return f"{where}, la décision annonce toujours au moins {threshold} et elle a raison dans {share(sure)}."
    return (f"{where}, la décision annonce toujours moins de {threshold} (marquée incertaine) et elle a "
            f"raison dans {share(unsure)}.")


def models_table(metrics: dict[str, Any]) -> pd.DataFrame:
    """One row per model of ``reports/metrics.json`` with the headline numbers: the test split of
    the data the models were trained on, and the hand-written development set (``dev``)."""
    rows = []
    for name, e in metrics.get("models", {}).items():
        lat = e.get("latency") or {}
        rows.append({
            "modèle": name, "type": {"text": "texte", "image": "image", "fusion": "fusion"}.get(e.get("kind"), e.get("kind") or "?"),
            "version": e.get("version", ""),
            "F1 pondéré": e.get("weighted_f1"), "F1 pondéré (dev)": dev_weighted_f1(e),
            "F1 macro": e.get("macro_f1"), "exactitude": e.get("accuracy"),
            "couverture": e.get("coverage"),
            "taille (Mo)": (e["size_bytes"] / 1e6) if e.get("size_bytes") is not None else None,
            "latence p50 (ms)": lat.get("p50_ms"), "latence p95 (ms)": lat.get("p95_ms"),
            "débit (produits/s)": e.get("throughput_per_s"),
            "entraînement (s)": e.get("train_seconds"),
        })
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values("F1 pondéré", ascending=False, na_position="last").reset_index(drop=True)
    return df


ORIGINAL_LAYERS = {"text-conv1d": "Conv1D", "text-lstm": "LSTM", "text-gru": "GRU", "text-bilstm": "Bi-LSTM"}
REPLACEMENTS = {"text-tfidf": "TF-IDF + SVM linéaire", "text-embed": "encodeur de phrases e5",
                "fusion-late": "fusion tardive"}
NO_VALUE = "—"


def dev_weighted_f1(entry: dict[str, Any]) -> float | None:
    """Weighted F1 of a model on the development set (``data/dev/dev_set.csv``) when an
    evaluation recorded it as ``entry["dev"]["weighted_f1"]``; None otherwise."""
    dev = entry.get("dev")
    value = dev.get("weighted_f1") if isinstance(dev, dict) else entry.get("dev_weighted_f1")
    return float(value) if isinstance(value, (int, float)) else None


def original_models_table(metrics: dict[str, Any]) -> pd.DataFrame:
    """The original project's text families (``config.ORIGINAL_MODELS``) found in the metrics,
    in the order the original team tried them; the development-set column reads ``—`` when no
    development set was evaluated."""
    rows = []
    for name in config.ORIGINAL_MODELS:
        e = metrics.get("models", {}).get(name)
        if not isinstance(e, dict):
            continue
        dev = dev_weighted_f1(e)
        rows.append({
            "modèle": name,
            "F1 pondéré (test)": e.get("weighted_f1"),
            "F1 pondéré (dev)": NO_VALUE if dev is None else f"{dev:.3f}",
            "F1 macro (test)": e.get("macro_f1"),
            "entraînement (s)": e.get("train_seconds"),
            "taille (Mo)": (e["size_bytes"] / 1e6) if e.get("size_bytes") is not None else None,
            "latence p50 (ms)": (e.get("latency") or {}).get("p50_ms"),
        })
    return pd.DataFrame(rows)


def _fr3(x: float) -> str:
    return f"{x:.3f}".replace(".", ",")


def original_story(metrics: dict[str, Any]) -> list[str]:
    """Three French Markdown lines: what the original project reached on the real data, what
    each family reaches here, and why the replacements win (with the measured gap)."""
    models = metrics.get("models", {})
    f1 = {n: e.get("weighted_f1") for n, e in models.items()
          if isinstance(e, dict) and isinstance(e.get("weighted_f1"), (int, float))}
    where = "du catalogue d'exemple" if metrics.get("data", {}).get("synthetic") else "des données évaluées"
    lines = ["**Le projet d'origine, sur les vraies données du challenge** : après Conv1D, LSTM et GRU, "
             "son meilleur modèle texte, un Bi-LSTM, atteignait 0,777 de F1 pondéré, le modèle image "
             "(VGG16) 0,58, et le modèle bimodal (Bi-LSTM + MobileNet) n'a jamais dépassé le texte seul."]
    orig = [f"{ORIGINAL_LAYERS[n]} {_fr3(f1[n])}" for n in config.ORIGINAL_MODELS if n in f1]
    repl = [f"{label_} {_fr3(f1[n])}" for n, label_ in REPLACEMENTS.items() if n in f1]
    dev = {n: dev_weighted_f1(e) for n, e in models.items() if isinstance(e, dict)}
    dev_orig = [f"{ORIGINAL_LAYERS[n]} {_fr3(dev[n])}" for n in config.ORIGINAL_MODELS if dev.get(n) is not None]
    dev_repl = [f"{label_} {_fr3(dev[n])}" for n, label_ in REPLACEMENTS.items() if dev.get(n) is not None]
    on_dev = (f" Sur le jeu de développement (annonces réalistes écrites à la main) : {' · '.join(dev_orig)}"
              + (f" ; {' · '.join(dev_repl)}" if dev_repl else "") + ".") if dev_orig else ""
    if orig:
        lines.append(f"**Ici, sur la partie test {where}** : familles d'origine {' · '.join(orig)} ; "
                     f"remplaçants {' · '.join(repl) or NO_VALUE}.{on_dev}")
    else:
        lines.append(f"**Ici** : familles d'origine pas encore mesurées sur la partie test {where} "
                     "(`eshoppye train --models seed`) ; remplaçants " + (" · ".join(repl) or NO_VALUE) + ".")
    best_orig = max(((f1[n], n) for n in config.ORIGINAL_MODELS if n in f1), default=None)
    best_text = max(((f1[n], n) for n in ("text-tfidf", "text-embed") if n in f1), default=None)
    gap = ""
    if best_orig is not None and best_text is not None:  # text against text
        points = f"{100 * (best_text[0] - best_orig[0]):.1f}".replace(".", ",")
        gap = (f" Ici, à texte égal, {REPLACEMENTS[best_text[1]]} ({_fr3(best_text[0])}) devance la "
               f"meilleure famille d'origine ({ORIGINAL_LAYERS[best_orig[1]]}, {_fr3(best_orig[0])}) de "
               f"{points} points" if best_text[0] > best_orig[0] else
               " Sur ces données, la meilleure famille d'origine n'est pas battue à texte égal")
        d_orig = max(((dev[n], n) for n in config.ORIGINAL_MODELS if dev.get(n) is not None), default=None)
        d_text = max(((dev[n], n) for n in ("text-tfidf", "text-embed") if dev.get(n) is not None), default=None)
        if d_orig is not None and d_text is not None and d_text[0] > d_orig[0]:
            who = "" if d_text[1] == best_text[1] else f" ({REPLACEMENTS[d_text[1]]})"
            gap += (f", et de {100 * (d_text[0] - d_orig[0]):.1f} points".replace(".", ",")
                    + f"{who} sur le jeu de développement, plus proche des vraies annonces")
        if "fusion-late" in f1 and f1["fusion-late"] > best_text[0]:
            gap += f" ; la fusion tardive, qui ajoute l'image, monte à {_fr3(f1['fusion-late'])}"
        gap += "."
    lines.append("**Pourquoi les remplaçants gagnent** : le TF-IDF + SVM linéaire exploite chaque mot et "
                 "fragment de mot (marques, références, unités) sans exiger des milliers d'exemples par "
                 "catégorie, là où un réseau récurrent apprend ses plongements de zéro ; l'encodeur de "
                 "phrases apporte une connaissance du français apprise sur d'immenses corpus ; la fusion "
                 "tardive combine des probabilités calibrées hors-pli, si bien que l'image n'ajoute que là "
                 "où elle aide, au lieu d'une concaténation qui sur-apprend." + gap)
    return lines


def per_class_f1(metrics: dict[str, Any]) -> pd.DataFrame:
    """Models x classes table of F1 scores (columns are ``label(code)``)."""
    data = {}
    for name, e in metrics.get("models", {}).items():
        pc = e.get("per_class") or {}
        data[name] = {label(c): (pc.get(str(c)) or {}).get("f1", np.nan) for c in CODES}
    return pd.DataFrame(data).T
