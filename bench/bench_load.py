"""Load test of the Streamlit app: N concurrent sessions classify a title each, over websockets.

Starts ``streamlit run app.py`` on a free local port (or uses ``--url``), then for each N (default
1, 10, 20) opens N sessions the way a browser does (websocket ``/_stcore/stream``, protobuf
messages), lets each load the Classifier page, types a title and presses "Classer ce produit"
``--rounds`` times, and measures the time from the click to the end of the script run, checking
that a decision was shown. Meanwhile ``/_stcore/health`` is polled every 0.25 s. Prints, per N:
p50 / p95 / max latency of a title-only classification, classifications per second, the worst
health-check time and the server's RSS (server process and children) before and after.

    python3 bench/bench_load.py                  # N = 1, 10, 20, 3 clicks per session
    python3 bench/bench_load.py --users 1,5 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_server import free_port, rss_mb  # noqa: E402 - bench/app_server.py

ROOT = Path(__file__).resolve().parent.parent
TITLES = ["Manette sans fil pour PS4 noire", "Pompe à chaleur piscine 9 kW", "Peluche ours brun 30 cm",
          "Croquettes pour chat stérilisé 10 kg", "Tondeuse à gazon thermique 46 cm",
          "Harry Potter à l'école des sorciers poche", "Lot de 4 coussins déhoussables",
          "Figurine Funko Pop Batman", "Lampe de chevet LED tactile", "Perceuse visseuse sans fil 18 V"]


def health(url: str, timeout: float = 30.0) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as r:
        r.read()
    return time.perf_counter() - t


class Session:
    """One browser-like session over the Streamlit websocket protocol."""

    def __init__(self, ws_url: str, page: str):
        self.ws_url, self.page = ws_url, page
        self.ws = None
        self.ids: dict[str, str] = {}

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=120, ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, widgets: list | None = None) -> tuple[float, list[str]]:
        """Rerun the page with ``widgets`` states; returns (seconds to script end, texts shown)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = self.page
        for w in widgets or []:
            msg.rerun_script.widget_states.widgets.append(w)
        t = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        texts: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=600)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                et = el.WhichOneof("type")
                inner = getattr(el, et) if et else None
                wid = getattr(inner, "id", "") if inner is not None else ""
                for key in ("clf_title", "clf_go"):
                    if wid and wid.endswith(key):
                        self.ids[key] = wid
                for attr in ("body", "label"):
                    if inner is not None and hasattr(inner, attr):
                        texts.append(str(getattr(inner, attr)))
            elif kind == "script_finished":
                return time.perf_counter() - t, texts

    async def classify(self, title: str) -> tuple[float, bool]:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        a, b = WidgetState(), WidgetState()
        a.id, a.string_value = self.ids["clf_title"], title
        b.id, b.trigger_value = self.ids["clf_go"], True
        seconds, texts = await self.run([a, b])
        return seconds, any("Décision prise" in t for t in texts)  # the result card (pages/classifier.py)


async def one_user(ws_url: str, k: int, rounds: int, start: asyncio.Event, out: list, errors: list,
                   opened: list):
    try:
        async with Session(ws_url, "classifier") as s:
            await s.run()  # open the page (loads the models on the first session)
            if set(s.ids) != {"clf_title", "clf_go"}:
                raise RuntimeError(f"widgets introuvables: {s.ids}")
            opened.append(k)
            await start.wait()
            for r in range(rounds):
                seconds, shown = await s.classify(f"{TITLES[(k + r) % len(TITLES)]} {k}-{r}")
                if not shown:
                    errors.append(f"session {k}: pas de décision affichée")
                out.append(seconds)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        errors.append(f"session {k}: {exc.__class__.__name__}: {exc}")


async def load_round(url: str, n: int, rounds: int) -> dict:
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    start, lat, errors, probes, failed = asyncio.Event(), [], [], [], []
    opened: list = []
    users = [asyncio.create_task(one_user(ws_url, k, rounds, start, lat, errors, opened)) for k in range(n)]
    # every session opens the Classifier page first; all click together once all are open
    while len(opened) + sum(1 for t in users if t.done()) < n:
        await asyncio.sleep(0.1)
    loop = asyncio.get_running_loop()
    stop = False

    async def poll():
        while not stop:
            t0 = time.perf_counter()
            try:
                probes.append(await loop.run_in_executor(None, health, url, 30.0))
            except Exception as exc:  # noqa: BLE001 - a failed probe counts with its duration
                probes.append(time.perf_counter() - t0)
                failed.append(exc.__class__.__name__)
            await asyncio.sleep(0.25)

    poller = asyncio.create_task(poll())
    t = time.perf_counter()
    start.set()
    await asyncio.gather(*users)
    wall = time.perf_counter() - t
    stop = True
    await poller
    lat.sort()
    q = (lambda p: lat[min(len(lat) - 1, int(round(p * (len(lat) - 1))))]) if lat else (lambda p: float("nan"))
    return {"n": n, "done": len(lat), "p50": q(0.5), "p95": q(0.95), "max": lat[-1] if lat else float("nan"),
            "rate": len(lat) / wall if wall else 0.0, "health_max": max(probes) if probes else float("nan"),
            "health_p95": sorted(probes)[int(0.95 * (len(probes) - 1))] if probes else float("nan"),
            "health_failed": failed, "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", default="1,10,20")
    ap.add_argument("--rounds", type=int, default=3, help="classifications per session")
    ap.add_argument("--url", default=None, help="an already running app (default: start one)")
    args = ap.parse_args()
    proc = None
    url = args.url
    if url is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                 "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        for _ in range(240):
            try:
                health(url, 2.0)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.5)
        pid = proc.pid if proc else None
        print(f"serveur {url}; préchauffage (chargement des modèles)...", flush=True)
        asyncio.run(load_round(url, 1, 1))
        rows = []
        for n in [int(x) for x in args.users.split(",")]:
            before = rss_mb(pid) if pid else float("nan")
            res = asyncio.run(load_round(url, n, args.rounds))
            res["rss_before"], res["rss_after"] = before, (rss_mb(pid) if pid else float("nan"))
            rows.append(res)
            print(f"N={n}: {res['done']} classifications, p95 {res['p95']:.2f} s, "
                  f"santé max {res['health_max']:.2f} s, erreurs {len(res['errors'])}", flush=True)
        print()
        print(f"| sessions | classifications | p50 (s) | p95 (s) | max (s) | classif./s | santé p95 (s) "
              f"| santé max (s) | santé en échec | RSS avant (Mo) | RSS après (Mo) | erreurs |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            print(f"| {r['n']} | {r['done']} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} | {r['rate']:.2f} "
                  f"| {r['health_p95']:.2f} | {r['health_max']:.2f} | {len(r['health_failed'])} "
                  f"| {r['rss_before']:.0f} | {r['rss_after']:.0f} | {len(r['errors'])} |")
        for r in rows:
            for e in r["errors"][:5]:
                print(f"N={r['n']}: {e}")
            if r["health_failed"]:
                from collections import Counter

                print(f"N={r['n']}: santé en échec: {dict(Counter(r['health_failed']))}")
        print(f"\ncœurs disponibles: {len(os.sched_getaffinity(0))}")
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
