"""A local Streamlit server as the benches and browser tests use it: its command line on a free
port, waiting for the health check, waiting for a script run in a Playwright page, stopping it, and
the server's resident memory with its child processes (from ``/proc``).

Imported by ``bench/bench_app_start.py``, ``bench/bench_load.py`` (same folder) and
``tests/test_browser.py`` (loaded by file path, as ``tests/test_architecture.py`` loads
``bench/import_graph.py``).
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the time of the call."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_health(url: str, proc: subprocess.Popen, timeout: float = 180.0) -> None:
    """Return once ``url``'s ``/_stcore/health`` answers 200; RuntimeError (in French) if the server
    stopped or did not answer within ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit s'est arrêté (code {proc.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("streamlit n'a pas répondu à temps")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for t in Path(f"/proc/{pid}/task").iterdir():
            kids = Path(f"/proc/{pid}/task/{t.name}/children")
            if kids.exists():
                out += [int(c) for c in kids.read_text().split()]
    except (OSError, ValueError):
        pass
    return out


def rss_mb(pid: int) -> float:
    """RSS of ``pid`` and its children, in MB (from /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo += _children(p)
    return total / 1024


def streamlit_command(python: str, port: int) -> list[str]:
    """``streamlit run app.py`` headless on 127.0.0.1:``port``, no usage statistics, no file watcher."""
    return [python, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def settle(page, timeout: float = 300_000, after_ms: int = 0) -> None:
    """Wait until Streamlit has finished running the script of a Playwright ``page`` (no 'running'
    indicator), then ``after_ms`` more for the last elements to be drawn."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|Stop/)",
        timeout=timeout)
    if after_ms:
        page.wait_for_timeout(after_ms)


def stop(proc: subprocess.Popen, grace: float = 20.0) -> None:
    """Terminate the server, killing it if it has not stopped within ``grace`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
