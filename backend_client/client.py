"""The HTTP client of the situation center API. No Qt; callers run it off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from backend_client.errors import ApiError, AuthExpired, ConnectionLost
from backend_client.schemas.auth import Token, UserOut

DEFAULT_TIMEOUT = (3.05, 15)  # connect, read

# How every client reaches the server unless told otherwise: the site's HTTP proxy and the CA
# certificate that signed an HTTPS server's certificate (set once at start-up by configure()).
_transport: dict[str, Any] = {"verify": True, "proxy": ""}


def configure(*, ca_cert: str = "", proxy: str = "") -> None:
    """Site-wide defaults for new clients: ``ca_cert`` is a PEM file (or c_rehash'ed directory)
    that HTTPS servers' certificates are checked against instead of the built-in bundle (requests'
    ``verify=``), for a city server signed by the city's own CA; ``proxy`` an http(s):// proxy URL."""
    _transport["verify"] = ca_cert or True
    _transport["proxy"] = proxy


def _server_list(urls: str | Iterable[str]) -> list[str]:
    items = urls.split(",") if isinstance(urls, str) else urls
    return list(dict.fromkeys(u.strip().rstrip("/") for u in items if u and u.strip()))


def _unsent(exc: Exception) -> bool:
    """Whether a failed request surely never reached a server (refused, unreachable, connect timeout),
    so that even a POST may go to the next server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    return isinstance(getattr(reason, "reason", reason), NewConnectionError)


class ApiClient:
    """A logged-in session with the backend; thread-safe for concurrent calls.

    `base_url` may name several servers of one deployment ("http://a:8765,http://b:8765" or a
    list): calls go to the current one, and when it stops answering the client moves on to the
    next and stays there until that one fails (instances share the database, so a token and the
    event ids hold on each)."""

    def __init__(self, base_url: str | Iterable[str], *, timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 retries: int = 2, verify: bool | str | None = None, proxy: str | None = None) -> None:
        self.base_urls = _server_list(base_url)
        if not self.base_urls:
            raise ValueError("no server URL given")
        self._current = 0
        self._switch = threading.Lock()
        self.server_changed: list[Callable[[str], None]] = []  # called with the new URL, from any thread
        self.verify: bool | str = _transport["verify"] if verify is None else verify
        proxy = _transport["proxy"] if proxy is None else proxy
        self.proxies: dict[str, str] = {"http": proxy, "https": proxy} if proxy else {}
        self.timeout = timeout
        self.retries = retries
        self.token: str | None = None
        self.user: UserOut | None = None
        self._local = threading.local()
        self._login: tuple[str, str] | None = None  # kept in memory only, for relogin()
        self._on_token: Callable[[str], None] | None = None

    @property
    def base_url(self) -> str:
        """The server calls go to now."""
        return self.base_urls[self._current]

    @base_url.setter
    def base_url(self, urls: str | Iterable[str]) -> None:
        """Point the client elsewhere (one URL or several), starting at the first."""
        servers = _server_list(urls)
        if not servers:
            raise ValueError("no server URL given")
        with self._switch:
            self.base_urls, self._current = servers, 0

    def add_servers(self, urls: str | Iterable[str]) -> None:
        """More servers to fail over to (after the ones given), e.g. the site's reserve."""
        with self._switch:
            self.base_urls = _server_list([*self.base_urls, *_server_list(urls)])

    def fail_over(self, failed: str) -> str:
        """`failed` did not answer: move to the next server, unless another thread already moved on."""
        with self._switch:
            moved = len(self.base_urls) > 1 and self.base_urls[self._current] == failed
            if moved:
                self._current = (self._current + 1) % len(self.base_urls)
            now = self.base_urls[self._current]
        if moved:
            for listener in list(self.server_changed):
                try:
                    listener(now)
                except Exception:  # a listener's bug must not break the call that failed over
                    pass
        return now

    # One requests.Session per thread: Session is not guaranteed thread-safe.
    @property
    def _http(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.headers["User-Agent"] = "sc-desk/0.1"
            s.verify = self.verify
            if self.proxies:
                s.proxies.update(self.proxies)
                s.trust_env = False  # the site's proxy, not whatever the environment says
            self._local.session = s
        return s

    def url(self, path: str, base: str | None = None) -> str:
        return path if path.startswith("http") else f"{base or self.base_url}{path}"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def login(self, username: str, password: str) -> UserOut:
        data = self.request("POST", "/api/v1/auth/token", data={"username": username, "password": password},
                            auth=False, retry=False)
        tok = Token.model_validate(data)
        self.token, self.user = tok.access_token, tok.user
        return tok.user

    def keep_login(self, username: str, password: str, on_token: Callable[[str], None] | None = None) -> None:
        """Remember (in memory only) how to log in again, for a session started from a saved token."""
        self._login, self._on_token = (username, password), on_token

    @property
    def can_relogin(self) -> bool:
        return self._login is not None

    def relogin(self) -> UserOut:
        """Log in again with the kept login (the saved token expired meanwhile); on_token gets the new token."""
        if self._login is None:
            raise AuthExpired(401, "unauthorized", "The session has expired and no login is kept to renew it")
        user = self.login(*self._login)
        if self._on_token is not None and self.token:
            self._on_token(self.token)
        return user

    def use_token(self, token: str) -> UserOut:
        """Resume a session from a saved token (raises AuthExpired if it no longer works)."""
        self.token = token
        self.user = UserOut.model_validate(self.request("GET", "/api/v1/auth/me"))
        return self.user

    def health(self) -> dict:
        return self.request("GET", "/api/v1/health", auth=False, retry=False)

    def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                data: Any = None, files: Any = None, headers: dict[str, str] | None = None,
                auth: bool = True, retry: bool | None = None, raw: bool = False,
                timeout: tuple[float, float] | None = None) -> Any:
        """Parsed JSON (or the Response when raw); ApiError for error answers, ConnectionLost when down.

        Only idempotent methods are retried by default; a POST is retried only when the
        caller says so (it carries an Idempotency-Key).
        """
        hdrs = dict(headers or {})
        if auth:
            hdrs.update(self.auth_headers())
        if retry is None:
            retry = method.upper() in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
        # Each server gets the attempts; with several, a failure moves to the next one. A call that
        # may not be repeated (a POST without Idempotency-Key) moves on only if it was surely not sent.
        servers = len(self.base_urls)
        attempts = (1 + (self.retries if retry else 0)) * servers
        last: Exception | None = None
        tried = ""
        r: requests.Response | None = None
        for _ in range(attempts):
            tried = self.base_url
            try:
                # verify per request: on the session, REQUESTS_CA_BUNDLE in the environment would win.
                r = self._http.request(method, self.url(path, tried), params=params, json=json, data=data,
                                       files=files, headers=hdrs, timeout=timeout or self.timeout,
                                       verify=self.verify)
                break
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = exc
                if servers > 1:
                    self.fail_over(tried)
                if not (retry or _unsent(exc)):
                    break
        if r is None:
            raise ConnectionLost(f"The server {tried} cannot be reached ({type(last).__name__})") from last
        if r.status_code >= 400:
            raise self._error(r)
        if raw:
            return r
        if r.status_code == 204 or not r.content:
            return None
        if "json" in r.headers.get("Content-Type", ""):
            return r.json()
        return r.content

    @staticmethod
    def _error(r: requests.Response) -> ApiError:
        try:
            body = r.json()["error"]
            code, message, details = body["code"], body["message"], body.get("details") or {}
        except (ValueError, KeyError, TypeError):
            code, message, details = "http_error", f"The server answered {r.status_code} {r.reason}", {}
        cls = AuthExpired if r.status_code == 401 and code == "unauthorized" else ApiError
        err = cls(r.status_code, code, message, details)
        err.headers = dict(r.headers)
        return err
