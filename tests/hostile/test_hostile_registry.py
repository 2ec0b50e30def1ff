"""Hostile servers (issue 11, items 15-16): a trickling or stalled server is "serveur trop lent"
within the deadline, a busy lock is announced and bounded, every redirect obeys the https rule.
Loopback servers only (tests/loopback.py), as in tests/test_registry.py."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest
from loopback import LoopbackServer

from eshoppye.registry import sources
from eshoppye.registry.sources import SourceError, gdown_fetch


class Hostile(LoopbackServer):
    def __init__(self, behaviour: dict):
        self.hits: list[str] = []
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                hostile.hits.append(self.path)
                kind, arg = behaviour.get(self.path, ("404", None))
                try:
                    if kind == "trickle":  # headers, then one byte every `arg` seconds
                        self.send_response(200)
                        self.send_header("Content-Length", "1000")
                        self.end_headers()
                        for _ in range(1000):
                            self.wfile.write(b"x")
                            self.wfile.flush()
                            time.sleep(arg)
                    elif kind == "stall":  # headers, then nothing
                        self.send_response(200)
                        self.send_header("Content-Length", "1000")
                        self.end_headers()
                        self.wfile.flush()
                        time.sleep(arg)
                    elif kind == "redirect":
                        self.send_response(302)
                        self.send_header("Location", arg)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    elif kind == "ok":
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(arg)))
                        self.end_headers()
                        self.wfile.write(arg)
                    else:
                        self.send_error(404)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        super().__init__(Handler)


@pytest.fixture
def hostile():
    made = []

    def make(behaviour):
        made.append(Hostile(behaviour))
        return made[-1]

    yield make
    for h in made:
        h.close()


def test_trickling_server_hits_the_overall_deadline(tmp_path, hostile):  # item 15
    srv = hostile({"/pack.zip": ("trickle", 0.2)})  # each read gets a byte well within its timeout
    t = time.monotonic()
    with pytest.raises(SourceError) as err:
        gdown_fetch({"url": srv.url("/pack.zip")}, tmp_path / "p.zip", 1000, None, deadline=2.0)
    assert str(err.value) == "serveur trop lent: téléchargement non terminé après 2 s"
    assert time.monotonic() - t < 30


def test_server_stalling_after_headers_is_slow_not_offline(tmp_path, hostile, monkeypatch):  # item 15
    monkeypatch.setattr(sources, "DOWNLOAD_TIMEOUT", (5.0, 1.0))
    srv = hostile({"/pack.zip": ("stall", 5)})
    with pytest.raises(SourceError) as err:
        gdown_fetch({"url": srv.url("/pack.zip")}, tmp_path / "p.zip", 1000, None, deadline=60)
    assert str(err.value).startswith("serveur trop lent")


def test_busy_lock_gives_a_clear_line(tmp_path, monkeypatch, caplog):  # item 15
    from filelock import FileLock

    from eshoppye import registry
    from eshoppye.errors import EshoppyeError
    from eshoppye.registry import download

    monkeypatch.setenv("ESHOPPYE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(download, "LOCK_TIMEOUT", 1.0)
    from tests.test_registry import manifest_with, published

    _, entry = published(tmp_path)
    manifest = manifest_with(entry, {"url": "https://example.org/p.zip"})
    entry = manifest["models"][0] if isinstance(manifest, dict) and "models" in manifest else entry
    held = FileLock(str(download._lock(entry).lock_file))
    held.acquire()
    try:
        with pytest.raises(EshoppyeError) as err:
            registry.resolve("text-fake", manifest)
    finally:
        held.release()
    assert str(err.value).startswith("modèle text-fake: un autre processus le télécharge depuis plus de 1 s; "
                                     "réessayez plus tard")
    assert "attente (au plus 1 s)" in caplog.text


@pytest.mark.parametrize("target", ["http://example.org/p.zip", "ftp://example.org/p.zip", "file:///etc/passwd",
                                    "https://localhost/p.zip"])
def test_redirects_obey_the_https_rule(tmp_path, hostile, target):  # item 16
    srv = hostile({"/pack.zip": ("redirect", target)})
    with pytest.raises(SourceError) as err:
        gdown_fetch({"url": srv.url("/pack.zip")}, tmp_path / "p.zip", 1000, None)
    assert str(err.value).startswith("redirection refusée")
    assert srv.hits == ["/pack.zip"]  # the target was never requested


def test_redirect_from_public_https_to_loopback_http_is_refused():
    assert sources.redirect_problem("https://example.org/a", "http://127.0.0.1:8000/p.zip") == \
        "redirection refusée vers 'http://127.0.0.1:8000/p.zip' (https obligatoire)"
    assert sources.redirect_problem("https://example.org/a", "https://cdn.example.org/p.zip") is None


def test_a_good_redirect_is_still_followed(tmp_path, hostile):
    srv = hostile({"/old.zip": ("redirect", "/new.zip"), "/new.zip": ("ok", b"0123456789")})
    gdown_fetch({"url": srv.url("/old.zip")}, tmp_path / "p.zip", 1000, None)
    assert (tmp_path / "p.zip").read_bytes() == b"0123456789" and srv.hits == ["/old.zip", "/new.zip"]
