"""Where a model pack or a manifest comes from: checks of ``https://`` URLs (loopback ``http`` only
for tests) and Google Drive ids, and :func:`gdown_fetch`, the one download function (through
``gdown``, with timeouts and a byte limit), whose failures are :class:`SourceError` (the source
is wrong) or :class:`NetworkError` (no network), each described in one French line.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlparse

from eshoppye.errors import EshoppyeError


GDRIVE_ID_RE = re.compile(r"[A-Za-z0-9_-]{10,}")


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


#: (connect, read) timeouts of a download, in seconds.
DOWNLOAD_TIMEOUT = (10.0, 60.0)


ProgressFn = Callable[[int, int], None]


def is_loopback_url(url: str) -> bool:
    try:
        return (urlparse(url).hostname or "") in LOOPBACK_HOSTS
    except ValueError:
        return False


def check_url(url: Any) -> str | None:
    """Return why ``url`` is refused as a download source, or None when it is acceptable.

    Only ``https://host/...`` is accepted; plain ``http`` only for the loopback interface
    (local tests and mirrors).
    """
    if not isinstance(url, str) or not url:
        return "URL vide ou non textuelle"
    if any(c.isspace() for c in url):
        return f"URL invalide (espace): {url!r}"
    try:
        parsed = urlparse(url)
        host = parsed.hostname
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return f"URL invalide: {url!r}"
    if parsed.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    if parsed.scheme != "https":
        return f"URL refusée (https obligatoire): {url!r}"
    if not host or "." not in host.strip("."):
        return f"URL sans hôte valide: {url!r}"
    return None


def check_gdrive_id(value: Any) -> str | None:
    """Return why ``value`` is not a Google Drive file id, or None."""
    if isinstance(value, str) and GDRIVE_ID_RE.fullmatch(value):
        return None
    return (f"identifiant Google Drive invalide {value!r} "
            "(attendu: l'identifiant seul, [A-Za-z0-9_-]{10,}, pas le lien)")


def gdrive_id_from(value: str) -> str:
    """Accept a bare Drive id or a Drive share link and return the id (raises on anything else)."""
    value = value.strip()
    if "://" in value:
        from gdown.parse_url import parse_url

        file_id, _ = parse_url(value)
        if file_id:
            value = file_id
    problem = check_gdrive_id(value)
    if problem:
        raise EshoppyeError(problem)
    return value


class SourceError(Exception):
    """A source answered but did not provide a valid pack."""


class NetworkError(Exception):
    """A source could not be reached (no network, DNS failure, connection refused, timeout)."""


class _Oversize(Exception):
    pass


def _describe_network(exc: BaseException) -> str:
    text = " ".join(str(e) for e in _chain(exc)).lower()
    if any(s in text for s in ("name or service not known", "nodename nor servname", "temporary failure in name",
                               "getaddrinfo", "nameresolution", "no address associated")):
        return "nom d'hôte introuvable (DNS)"
    if "refused" in text:
        return "connexion refusée"
    if "timed out" in text or "timeout" in text:
        return "délai dépassé"
    if "unreachable" in text:
        return "réseau inaccessible"
    return "réseau indisponible"


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def source_label(src: dict) -> str:
    kind, value = next(iter(src.items()))
    return f"Google Drive {value}" if kind == "gdrive" else value


def _gdown_kwargs(**kwargs: Any) -> dict:
    """Drop the keyword arguments the installed gdown does not know (older releases)."""
    import gdown

    params = inspect.signature(gdown.download).parameters
    return {k: v for k, v in kwargs.items() if k in params}


def gdown_fetch(src: dict, dest: Path, max_bytes: int, progress: ProgressFn | None) -> None:
    """Download one source to ``dest`` through gdown, translating its failures."""
    import gdown
    import requests

    kind, value = next(iter(src.items()))

    def on_chunk(done: int, total: int | None) -> None:
        if done > max_bytes:
            raise _Oversize
        if progress is not None:
            progress(done, max_bytes)

    kwargs = _gdown_kwargs(output=str(dest), quiet=True, use_cookies=False, progress=on_chunk,
                           timeout=DOWNLOAD_TIMEOUT)
    if kind == "gdrive":
        kwargs["id"] = value
    else:
        kwargs["url"] = value
    try:
        out = gdown.download(**kwargs)
    except _Oversize:
        raise SourceError(f"plus de {max_bytes} octets reçus, plus que la taille annoncée") from None
    except requests.exceptions.HTTPError as exc:
        code = getattr(exc.response, "status_code", "?")
        raise SourceError(f"HTTP {code}") from None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
            raise SourceError(f"erreur {exc.__class__.__name__}") from None
        raise NetworkError(_describe_network(exc)) from None
    except gdown.exceptions.FileURLRetrievalError:
        raise SourceError("Google Drive refuse le fichier (partage « tous les utilisateurs disposant "
                           "du lien » ? quota dépassé ?)") from None
    except gdown.exceptions.DownloadError as exc:
        why = "transfert incomplet" if "incomplete" in str(exc).lower() else "échec du transfert"
        raise SourceError(why) from None
    except requests.exceptions.RequestException as exc:
        raise SourceError(f"erreur HTTP ({exc.__class__.__name__})") from None
    except OSError as exc:
        raise SourceError(f"erreur d'écriture ({exc.__class__.__name__}: {exc.strerror or exc})") from None
    if out is None or not dest.is_file():
        raise SourceError("aucun fichier reçu")
