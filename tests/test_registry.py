"""Model registry: manifest, cache, safe downloads through gdown's real code path.

Every download goes to a threaded ``http.server`` bound to 127.0.0.1 on a random port. Google
Drive downloads (``gdown.download(id=...)``) are routed to the same loopback server by a guard on
``requests``' transport, which also refuses any non-loopback host: nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import socket
import stat
import tarfile
import threading
import time
import zipfile
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
import requests
from loopback import LoopbackServer

from eshoppye import registry
from eshoppye.cli import main
from eshoppye.errors import EshoppyeError
from eshoppye.models.base import verify_files

GDRIVE_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz_-0123"
GOOGLE_HOSTS = ("drive.google.com", "docs.google.com", "drive.usercontent.google.com")


# ----------------------------------------------------------------------------------------------
# fixtures: a tiny fake model, a loopback server, a network guard
# ----------------------------------------------------------------------------------------------
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_model(directory: Path, name: str = "text-fake", version: str = "1.0.0", seed: int = 0) -> Path:
    """Write a model directory in the on-disk format of eshoppye.models.base, by hand."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    np.savez(directory / "weights.npz", coef=rng.normal(size=(4, 3)), bias=np.zeros(3))
    (directory / "vocab.json").write_text(json.dumps({"tok": seed}), encoding="utf-8")
    files = {f: {"sha256": _sha((directory / f).read_bytes()), "size": (directory / f).stat().st_size}
             for f in ("vocab.json", "weights.npz")}
    meta = {"format": 1, "name": name, "kind": "text", "class": "FakeModel", "version": version,
            "classes": [10, 40, 50], "params": {"alpha": 1.0},
            "info": {"data_fingerprint": f"fp-{seed}", "split": {"seed": 42}},
            "created": "2024-01-01T00:00:00+00:00", "files": files}
    (directory / "model.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return directory


class Server(LoopbackServer):
    """Loopback HTTP server whose routes map a path to (kind, payload)."""

    def __init__(self):
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                parsed = urlparse(self.path)
                with server.lock:
                    server.hits[parsed.path] += 1
                kind, body = server.routes.get(parsed.path, ("404", b""))
                if kind == "404":
                    self.send_error(404)
                elif kind == "500":
                    self.send_error(500)
                elif kind == "gdrive-confirm":  # Drive's "can't scan for viruses" page
                    file_id = parse_qs(parsed.query).get("id", [""])[0]
                    html = ('<html><body><form id="download-form" action="https://drive.usercontent.google.com/'
                            'download" method="get"><input type="hidden" name="id" value="' + file_id + '">'
                            '<input type="hidden" name="export" value="download"><input type="hidden" '
                            'name="confirm" value="t"></form></body></html>').encode()
                    self._send(html, "text/html; charset=utf-8")
                elif kind == "gdrive-file":
                    self._send(body, "application/octet-stream",
                               {"Content-Disposition": 'attachment; filename="pack.zip"'})
                elif kind == "truncate":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                elif kind == "slow":
                    time.sleep(0.6)
                    self._send(body)
                else:
                    self._send(body)

            def _send(self, body, ctype="application/octet-stream", extra=None):
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, request):
    """Cache in tmp_path; requests may only reach loopback; Drive hosts go to the test server."""
    monkeypatch.setenv("ESHOPPYE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ESHOPPYE_MANIFEST", raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    real_send = requests.adapters.HTTPAdapter.send
    srv = request.getfixturevalue("server") if "server" in request.fixturenames else None

    def guarded_send(self, req, **kwargs):
        u = urlparse(req.url)
        if u.hostname in GOOGLE_HOSTS and srv is not None:
            req.url = srv.url(f"/{u.hostname}{u.path}" + (f"?{u.query}" if u.query else ""))
        elif u.hostname not in ("127.0.0.1", "localhost"):
            raise requests.exceptions.ConnectionError(f"test guard: no network for {req.url}")
        return real_send(self, req, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", guarded_send)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def published(tmp_path: Path, fmt: str = "zip", version: str = "1.0.0", seed: int = 0) -> tuple[bytes, dict]:
    """A fake model packed with registry.publish: (pack bytes, manifest entry without sources)."""
    model_dir = make_model(tmp_path / f"src-{version}-{seed}" / "text-fake", version=version, seed=seed)
    archive, entry = registry.publish(model_dir, tmp_path / "dist", fmt=fmt, metrics_path=tmp_path / "none.json")
    entry["sources"] = []
    return archive.read_bytes(), entry


def manifest_with(entry: dict, *sources: dict) -> dict:
    e = json.loads(json.dumps(entry))
    e["sources"] = list(sources)
    return registry.load_manifest({"format": 1, "models": [e]})


# ----------------------------------------------------------------------------------------------
# manifest
# ----------------------------------------------------------------------------------------------
def test_build_manifest_records_files_metrics_and_bundled_path(tmp_path):
    models = tmp_path / "models"
    make_model(models / "text-fake")
    make_model(models / "text-other", name="text-other", seed=1)
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps({"models": {"text-fake": {"weighted_f1": 0.8, "macro_f1": 0.7, "accuracy": 0.81,
                                                            "per_class": {"10": 0.5}}}}))
    out = registry.write_manifest(models, metrics)
    manifest = registry.load_manifest(out)
    names = [e["name"] for e in manifest["models"]]
    assert names == ["text-fake", "text-other"]
    e = manifest["models"][0]
    assert e["kind"] == "text" and e["version"] == "1.0.0" and e["data_fingerprint"] == "fp-0"
    assert set(e["files"]) == {"model.json", "vocab.json", "weights.npz"}
    assert e["files"]["weights.npz"]["sha256"] == _sha((models / "text-fake" / "weights.npz").read_bytes())
    assert e["metrics"] == {"weighted_f1": 0.8, "macro_f1": 0.7, "accuracy": 0.81}
    assert manifest["models"][1]["metrics"] == {}
    assert e["sources"] == [{"bundled": str((models / "text-fake").resolve())}]
    # absent metrics file is tolerated
    assert registry.build_manifest(models, tmp_path / "missing.json")["models"][0]["metrics"] == {}


def test_write_manifest_keeps_remote_sources_of_unchanged_models(tmp_path):
    models = tmp_path / "models"
    make_model(models / "text-fake")
    out = registry.write_manifest(models, None)
    data = json.loads(out.read_text())
    data["models"][0]["pack"] = {"file": "text-fake-1.0.0.zip", "format": "zip", "sha256": "a" * 64, "size": 10}
    data["models"][0]["sources"].append({"gdrive": GDRIVE_ID})
    out.write_text(json.dumps(data))
    registry.write_manifest(models, None)
    again = registry.load_manifest(out)["models"][0]
    assert again["sources"][1] == {"gdrive": GDRIVE_ID} and again["pack"]["sha256"] == "a" * 64


@pytest.mark.parametrize("source, field", [
    ({"gdrive": "abc"}, "sources[0].gdrive"),
    ({"gdrive": f"https://drive.google.com/file/d/{GDRIVE_ID}/view"}, "sources[0].gdrive"),
    ({"gdrive": "has space in it x"}, "sources[0].gdrive"),
    ({"url": "ftp://127.0.0.1/pack.zip"}, "sources[0].url"),
    ({"url": "http://example.org/pack.zip"}, "sources[0].url"),
    ({"url": "https://"}, "sources[0].url"),
    ({"url": "not a url"}, "sources[0].url"),
    ({"torrent": "magnet:?"}, "sources[0]"),
])
def test_malformed_source_refused_before_any_network(tmp_path, server, source, field):
    _, entry = published(tmp_path)
    entry["sources"] = [source]
    with pytest.raises(EshoppyeError) as err:
        registry.load_manifest({"format": 1, "models": [entry]})
    msg = str(err.value)
    assert "modèle 'text-fake'" in msg and field in msg and "\n" not in msg
    assert sum(server.hits.values()) == 0


@pytest.mark.parametrize("mutate, field", [
    (lambda e: e.update(name="../evil"), "name"),
    (lambda e: e.update(kind="audio"), "kind"),
    (lambda e: e["files"].update({"../x": {"sha256": "0" * 64, "size": 1}}), "files"),
    (lambda e: e["files"]["model.json"].update(sha256="xyz"), "files.model.json"),
    (lambda e: e.update(pack=None, sources=[{"url": "https://example.org/a.zip"}]), "pack"),
])
def test_malformed_entry_named_in_one_line(tmp_path, mutate, field):
    _, entry = published(tmp_path)
    mutate(entry)
    with pytest.raises(EshoppyeError, match=field):
        registry.load_manifest({"format": 1, "models": [entry]})


# ----------------------------------------------------------------------------------------------
# resolution
# ----------------------------------------------------------------------------------------------
def test_bundled_copy_used_without_network(tmp_path, server):
    models = tmp_path / "models"
    make_model(models / "text-fake")
    manifest = registry.build_manifest(models, None)
    entry = manifest["models"][0]
    data, pub = published(tmp_path)
    entry["pack"] = pub["pack"]
    entry["sources"].append({"url": server.url("/pack.zip")})
    assert registry.status("text-fake", manifest) == registry.BUNDLED
    assert registry.resolve("text-fake", manifest) == models / "text-fake"
    assert sum(server.hits.values()) == 0


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
def test_pull_plain_url_through_gdown(tmp_path, server, fmt):
    data, entry = published(tmp_path, fmt=fmt)
    server.routes["/pack"] = ("ok", data)
    manifest = manifest_with(entry, {"url": server.url("/pack")})
    assert registry.status("text-fake", manifest) == registry.REMOTE
    seen = []
    path = registry.resolve("text-fake", manifest, progress=lambda d, t: seen.append((d, t)))
    assert path == tmp_path / "cache" / "models" / "text-fake-1.0.0"
    verify_files(path)
    assert sorted(p.name for p in path.iterdir()) == ["model.json", "vocab.json", "weights.npz"]
    assert seen and seen[-1] == (len(data), len(data))
    assert registry.status("text-fake", manifest) == registry.CACHED
    assert registry.resolve("text-fake", manifest) == path
    assert server.hits["/pack"] == 1
    assert not list((tmp_path / "cache" / "models").glob(".tmp-*"))


def test_pull_google_drive_id_through_gdown(tmp_path, server):
    data, entry = published(tmp_path)
    server.routes["/drive.google.com/uc"] = ("gdrive-confirm", b"")
    server.routes["/drive.usercontent.google.com/download"] = ("gdrive-file", data)
    manifest = manifest_with(entry, {"gdrive": GDRIVE_ID})
    path = registry.resolve("text-fake", manifest)
    verify_files(path)
    assert server.hits["/drive.google.com/uc"] == 1
    assert server.hits["/drive.usercontent.google.com/download"] == 1


def _assert_clean(tmp_path):
    models = tmp_path / "cache" / "models"
    assert not (models / "text-fake-1.0.0").exists()
    assert not list(models.glob(".tmp-*"))
    assert not list(models.rglob("*.zip")) and not list(models.rglob("*.part"))


def test_sha256_mismatch_is_refused_and_deleted(tmp_path, server):
    data, entry = published(tmp_path)
    wrong = bytearray(data)
    wrong[len(wrong) // 2] ^= 0xFF
    server.routes["/wrong.zip"] = ("ok", bytes(wrong))
    manifest = manifest_with(entry, {"url": server.url("/wrong.zip")})
    with pytest.raises(EshoppyeError, match="sha256") as err:
        registry.resolve("text-fake", manifest)
    assert "aucune source" in str(err.value)
    _assert_clean(tmp_path)


def test_oversized_body_is_cut_short(tmp_path, server):
    data, entry = published(tmp_path)
    server.routes["/big.zip"] = ("ok", data + b"\0" * (3 * 1024 * 1024))
    manifest = manifest_with(entry, {"url": server.url("/big.zip")})
    with pytest.raises(EshoppyeError, match="octets reçus"):
        registry.resolve("text-fake", manifest)
    _assert_clean(tmp_path)


def test_truncated_transfer_is_refused_and_deleted(tmp_path, server):
    data, entry = published(tmp_path)
    server.routes["/trunc.zip"] = ("truncate", data)
    manifest = manifest_with(entry, {"url": server.url("/trunc.zip")})
    with pytest.raises(EshoppyeError, match="incomplet|tronqué"):
        registry.resolve("text-fake", manifest)
    _assert_clean(tmp_path)


def test_http_500_then_good_second_source(tmp_path, server, caplog):
    data, entry = published(tmp_path)
    server.routes["/broken.zip"] = ("500", b"")
    server.routes["/good.zip"] = ("ok", data)
    manifest = manifest_with(entry, {"url": server.url("/broken.zip")}, {"url": server.url("/good.zip")})
    with caplog.at_level(logging.WARNING, logger="eshoppye.registry"):
        path = registry.resolve("text-fake", manifest)
    verify_files(path)
    assert server.hits["/broken.zip"] == 1 and server.hits["/good.zip"] == 1
    assert any("HTTP 500" in r.getMessage() for r in caplog.records)


def test_offline_without_local_copy_says_so_in_one_line(tmp_path):
    _, entry = published(tmp_path)
    manifest = manifest_with(entry, {"url": f"http://127.0.0.1:{closed_port()}/pack.zip"}, {"gdrive": GDRIVE_ID})
    with pytest.raises(EshoppyeError) as err:
        registry.resolve("text-fake", manifest)
    msg = str(err.value)
    assert msg.startswith("pas de réseau: modèle text-fake introuvable en cache ni dans le dépôt")
    assert "\n" not in msg
    assert main(["models", "pull", "text-fake", "--manifest", _write(tmp_path, manifest)]) == 2


def test_offline_falls_back_to_cached_older_version(tmp_path, server, caplog):
    data, entry = published(tmp_path, version="1.0.0")
    server.routes["/v1.zip"] = ("ok", data)
    old = registry.resolve("text-fake", manifest_with(entry, {"url": server.url("/v1.zip")}))
    _, entry2 = published(tmp_path, version="2.0.0", seed=3)
    manifest2 = manifest_with(entry2, {"url": f"http://127.0.0.1:{closed_port()}/v2.zip"})
    with caplog.at_level(logging.WARNING, logger="eshoppye.registry"):
        assert registry.resolve("text-fake", manifest2) == old
    assert any(r.getMessage().startswith("pas de réseau") for r in caplog.records)


def _pull_worker(manifest_path: str, barrier, queue) -> None:
    barrier.wait()
    start = time.monotonic()
    try:
        path = str(registry.resolve("text-fake", manifest_path))
    except Exception as exc:  # report to the parent instead of dying silently
        path = f"ERROR {exc!r}"
    queue.put((start, time.monotonic(), path))


def test_two_concurrent_pulls_download_once(tmp_path, server):
    data, entry = published(tmp_path)
    server.routes["/slow.zip"] = ("slow", data)
    manifest_path = _write(tmp_path, manifest_with(entry, {"url": server.url("/slow.zip")}))
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_pull_worker, args=(manifest_path, barrier, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    paths = {r[2] for r in results}
    assert len(paths) == 1, paths
    path = Path(paths.pop())
    assert max(r[0] for r in results) < min(r[1] for r in results)  # the pulls overlapped
    assert server.hits["/slow.zip"] == 1
    verify_files(path)
    assert registry.check_dir(path, entry) is None


def _evil_zip(members: list[tuple[str, bytes, int]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body, mode in members:
            zi = zipfile.ZipInfo(name)
            zi.external_attr = mode << 16
            zf.writestr(zi, body)
    return buf.getvalue()


def _evil_tar(name: str, linkname: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        ti = tarfile.TarInfo(name)
        ti.type, ti.linkname = tarfile.SYMTYPE, linkname
        tf.addfile(ti)
    return buf.getvalue()


@pytest.mark.parametrize("fmt, make, pattern", [
    ("zip", lambda: _evil_zip([("../../escape.json", b"{}", stat.S_IFREG | 0o644)]), "chemin refusé"),
    ("zip", lambda: _evil_zip([("/abs/model.json", b"{}", stat.S_IFREG | 0o644)]), "chemin refusé"),
    ("zip", lambda: _evil_zip([("text-fake/model.json", b"/etc/passwd", stat.S_IFLNK | 0o777)]), "lien"),
    ("zip", lambda: _evil_zip([("text-fake/other.bin", b"x", stat.S_IFREG | 0o644)]), "inattendu"),
    ("tar.gz", lambda: _evil_tar("text-fake/model.json", "/etc/passwd"), "lien"),
])
def test_unsafe_archives_are_refused(tmp_path, server, fmt, make, pattern):
    _, entry = published(tmp_path)
    body = make()
    entry["pack"] = {"file": f"evil.{fmt}", "format": fmt, "sha256": _sha(body), "size": len(body)}
    server.routes["/evil"] = ("ok", body)
    with pytest.raises(EshoppyeError, match=pattern):
        registry.resolve("text-fake", manifest_with(entry, {"url": server.url("/evil")}))
    assert not list(tmp_path.rglob("escape.json"))
    _assert_clean(tmp_path)


# ----------------------------------------------------------------------------------------------
# verify, publish, remote manifest, command line
# ----------------------------------------------------------------------------------------------
def _write(tmp_path: Path, manifest: dict) -> str:
    path = tmp_path / "manifest.json"
    path.write_text(registry.dump_json(manifest), encoding="utf-8")
    return str(path)


def test_verify_all_detects_a_corrupted_cached_file(tmp_path, server, capsys):
    data, entry = published(tmp_path)
    server.routes["/pack.zip"] = ("ok", data)
    manifest = manifest_with(entry, {"url": server.url("/pack.zip")})
    path = registry.resolve("text-fake", manifest)
    assert [r["ok"] for r in registry.verify_all(manifest)] == [True]
    weights = path / "weights.npz"
    raw = bytearray(weights.read_bytes())
    raw[-1] ^= 0xFF
    weights.write_bytes(bytes(raw))
    rows = registry.verify_all(manifest)
    assert rows[0]["ok"] is False and "weights.npz" in rows[0]["problem"]
    assert main(["models", "verify", "--manifest", _write(tmp_path, manifest)]) == 2
    assert "ÉCHEC" in capsys.readouterr().out
    # a forced pull repairs it
    assert registry.resolve("text-fake", manifest, force=True) == path
    assert registry.verify_all(manifest)[0]["ok"]


def test_publish_is_deterministic_and_round_trips(tmp_path, server, capsys):
    model_dir = make_model(tmp_path / "trained" / "text-fake")
    a1, e1 = registry.publish(model_dir, tmp_path / "d1", metrics_path=tmp_path / "none.json")
    a2, e2 = registry.publish(model_dir, tmp_path / "d2", metrics_path=tmp_path / "none.json")
    assert a1.name == "text-fake-1.0.0.zip" and a1.read_bytes() == a2.read_bytes()
    assert e1["pack"]["sha256"] == _sha(a1.read_bytes())
    assert json.loads((tmp_path / "d1" / "text-fake-1.0.0.json").read_text())["pack"] == e1["pack"]
    # CLI: publish prints the upload steps, then records the Drive id in a manifest
    manifest_path = tmp_path / "m.json"
    assert main(["models", "publish", "--models", str(model_dir), "--out", str(tmp_path / "d3")]) == 0
    out = capsys.readouterr().out
    assert "drive.google.com" in out and "Tous les utilisateurs" in out and '"gdrive"' in out
    assert main(["models", "publish", "--models", str(model_dir), "--out", str(tmp_path / "d3"),
                 "--gdrive", f"https://drive.google.com/file/d/{GDRIVE_ID}/view?usp=sharing",
                 "--manifest", str(manifest_path)]) == 0
    recorded = registry.load_manifest(manifest_path)["models"][0]
    assert recorded["sources"] == [{"gdrive": GDRIVE_ID}] and recorded["pack"] == e1["pack"]
    server.routes["/drive.google.com/uc"] = ("gdrive-confirm", b"")
    server.routes["/drive.usercontent.google.com/download"] = ("gdrive-file", a1.read_bytes())
    verify_files(registry.resolve("text-fake", str(manifest_path)))


def test_manifest_from_url_then_offline_uses_cached_copy(tmp_path, server, monkeypatch, caplog):
    data, entry = published(tmp_path)
    manifest = manifest_with(entry, {"url": server.url("/pack.zip")})
    server.routes["/manifest.json"] = ("ok", registry.dump_json(manifest).encode())
    monkeypatch.setenv("ESHOPPYE_MANIFEST", server.url("/manifest.json"))
    assert registry.load_manifest()["models"][0]["name"] == "text-fake"
    server.routes["/manifest.json"] = ("500", b"")
    with caplog.at_level(logging.WARNING, logger="eshoppye.registry"):
        assert registry.load_manifest()["models"][0]["name"] == "text-fake"
    assert any("copie du cache" in r.getMessage() for r in caplog.records)
    server.routes["/drive.google.com/uc"] = ("gdrive-confirm", b"")
    server.routes["/drive.usercontent.google.com/download"] = ("gdrive-file", registry.dump_json(manifest).encode())
    monkeypatch.setenv("ESHOPPYE_MANIFEST", f"gdrive:{GDRIVE_ID}")
    assert registry.load_manifest()["_origin"] == f"gdrive:{GDRIVE_ID}"
    assert server.hits["/drive.usercontent.google.com/download"] == 1
    monkeypatch.setenv("ESHOPPYE_MANIFEST", "http://example.org/manifest.json")
    with pytest.raises(EshoppyeError, match="https obligatoire"):
        registry.load_manifest()


def test_cli_list_and_pull(tmp_path, server, capsys):
    data, entry = published(tmp_path)
    entry["metrics"] = {"weighted_f1": 0.8123, "macro_f1": 0.7, "accuracy": 0.82}
    server.routes["/pack.zip"] = ("ok", data)
    path = _write(tmp_path, manifest_with(entry, {"url": server.url("/pack.zip")}))
    assert main(["models", "list", "--manifest", path]) == 0
    out = capsys.readouterr().out
    assert "distant seulement" in out and "0.812" in out and "text-fake" in out
    assert main(["models", "pull", "--manifest", path]) == 0
    assert "text-fake-1.0.0" in capsys.readouterr().out
    assert main(["models", "list", "--manifest", path]) == 0
    assert "cache" in capsys.readouterr().out
    assert main(["models", "pull", "nope", "--manifest", path]) == 2
    assert "modèle inconnu" in capsys.readouterr().err
