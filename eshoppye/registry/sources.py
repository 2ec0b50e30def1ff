"""Where a model pack or a manifest comes from: checks of ``https://`` URLs (loopback ``http`` only
for tests) and Google Drive ids, and :func:`gdown_fetch`, the one download function (through
``gdown``, with timeouts, an overall deadline, the https rule checked on every redirect and a
byte limit), whose failures are :class:`SourceError` (the source
is wrong) or :class:`NetworkError` (no network), each described in one French line.
"""

from __future__ import annotations

import inspect
import re
import threading
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urljoin, urlparse

from eshoppye.errors import EshoppyeError


GDRIVE_ID_RE = re.compile(r"[A-Za-z0-9_-]{10,}")


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


#: (connect, read) timeouts of a download, in seconds.
DOWNLOAD_TIMEOUT = (10.0, 60.0)
#: Overall deadline of one download, in seconds: a server trickling bytes cannot hold it longer.
DOWNLOAD_DEADLINE = 600.0


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


class _RedirectRefused(Exception):
    pass


_REDIRECT_POLICY = threading.local()
_GUARD_LOCK = threading.Lock()


def _install_redirect_guard() -> None:
    """Make ``requests`` check every redirect target with the policy of the current thread (set
    by :func:`gdown_fetch` around a download; other threads and other code are unaffected)."""
    import requests

    with _GUARD_LOCK:
        if getattr(requests.Session, "_eshoppye_redirect_guard", False):
            return
        original = requests.Session.get_redirect_target

        def get_redirect_target(self, resp):
            target = original(self, resp)
            check = getattr(_REDIRECT_POLICY, "check", None)
            if target and check is not None:
                problem = check(urljoin(resp.url, target))
                if problem:
                    raise _RedirectRefused(problem)
            return target

        requests.Session.get_redirect_target = get_redirect_target
        requests.Session._eshoppye_redirect_guard = True


def redirect_problem(origin: str, target: str) -> str | None:
    """Why a redirect from ``origin`` to ``target`` is refused (the https rule of
    :func:`check_url`; plain http to the loopback only from a loopback origin), or None."""
    problem = check_url(target)
    if problem:
        return f"redirection refusée ({problem})"
    if urlparse(target).scheme == "http" and not is_loopback_url(origin):
        return f"redirection refusée vers {target!r} (https obligatoire)"
    return None


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


def gdown_fetch(src: dict, dest: Path, max_bytes: int, progress: ProgressFn | None,
                deadline: float | None = None) -> None:
    """Download one source to ``dest`` through gdown, translating its failures.

    Every redirect must satisfy the https rule; the whole download must end within
    ``deadline`` seconds (default :data:`DOWNLOAD_DEADLINE`), else "serveur trop lent"."""
    import gdown
    import requests

    kind, value = next(iter(src.items()))
    origin = value if kind == "url" else f"https://drive.google.com/uc?id={value}"
    deadline = DOWNLOAD_DEADLINE if deadline is None else deadline

    def on_chunk(done: int, total: int | None) -> None:
        if done > max_bytes:
            raise _Oversize
        if progress is not None:
            progress(done, max_bytes)

    cancel = threading.Event()
    timer = threading.Timer(deadline, cancel.set)
    timer.daemon = True
    kwargs = _gdown_kwargs(output=str(dest), quiet=True, use_cookies=False, progress=on_chunk,
                           timeout=DOWNLOAD_TIMEOUT, cancel=cancel)
    if kind == "gdrive":
        kwargs["id"] = value
    else:
        kwargs["url"] = value
    too_slow = f"serveur trop lent: téléchargement non terminé après {deadline:.0f} s"
    _install_redirect_guard()
    _REDIRECT_POLICY.check = lambda target: redirect_problem(origin, target)
    timer.start()
    try:
        out = gdown.download(**kwargs)
    except _Oversize:
        raise SourceError(f"plus de {max_bytes} octets reçus, plus que la taille annoncée") from None
    except _RedirectRefused as exc:
        raise SourceError(str(exc)) from None
    except requests.exceptions.HTTPError as exc:
        code = getattr(exc.response, "status_code", "?")
        raise SourceError(f"HTTP {code}") from None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        if cancel.is_set():
            raise SourceError(too_slow) from None
        if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
            raise SourceError(f"erreur {exc.__class__.__name__}") from None
        if isinstance(exc, requests.exceptions.ReadTimeout) or (
                isinstance(exc, requests.exceptions.ConnectionError)
                and any("read timed out" in str(e).lower() for e in _chain(exc))):
            raise SourceError(f"serveur trop lent: rien reçu pendant {DOWNLOAD_TIMEOUT[1]:.0f} s") from None
        raise NetworkError(_describe_network(exc)) from None
    except gdown.exceptions.FileURLRetrievalError:
        raise SourceError("Google Drive refuse le fichier (partage « tous les utilisateurs disposant "
                           "du lien » ? quota dépassé ?)") from None
    except gdown.exceptions.DownloadError as exc:
        if cancel.is_set():
            raise SourceError(too_slow) from None
        why = "transfert incomplet" if "incomplete" in str(exc).lower() else "échec du transfert"
        raise SourceError(why) from None
    except requests.exceptions.RequestException as exc:
        raise SourceError(f"erreur HTTP ({exc.__class__.__name__})") from None
    except OSError as exc:
        if cancel.is_set():
            raise SourceError(too_slow) from None
        raise SourceError(f"erreur d'écriture ({exc.__class__.__name__}: {exc.strerror or exc})") from None
    except Exception as exc:  # noqa: BLE001 - gdown's DownloadCancelled and anything unexpected
        if cancel.is_set():
            raise SourceError(too_slow) from None
        raise SourceError(f"échec du transfert ({exc.__class__.__name__})") from None
    finally:
        timer.cancel()
        _REDIRECT_POLICY.check = None
    if out is None or not dest.is_file():
        raise SourceError("aucun fichier reçu")
