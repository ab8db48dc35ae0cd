"""The HTTP client of ``digimotor fetch``: call limits, time-outs, retries, ``Retry-After``, a response cache.

:class:`Client` calls the public APIs for :mod:`digimotor.fetch` and :mod:`digimotor.fetch_apis`
(at most ``max_calls`` calls per ``window_s`` seconds, :class:`Limits`);
:func:`split_selection` splits a query so that no call asks for more than ``max_cells`` cells.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DigimotorError, InputFileError, ParameterError

USER_AGENT = "digimotor research package (python-requests)"


class FetchError(DigimotorError):
    """A public API could not deliver: HTTP error, time-out, truncated body, or too many retries."""

    exit_code = 1  # not the user's input: the service or the network failed


@dataclass(frozen=True)
class Limits:
    """API limits: calls per time window and cells per call (SCB: 30 per 10 s, 150 000)."""

    max_calls: int = 30
    window_s: float = 10.0
    max_cells: int = 150_000


@dataclass
class Client:
    """A small, polite JSON client with rate limiting, retries, a cache and progress bars.

    Parameters
    ----------
    session
        A ``requests.Session``-like object (``request(method, url, json=, timeout=, headers=)``);
        tests pass a local fake. Default: a new ``requests.Session``.
    limits
        :class:`Limits`.
    timeout
        Seconds for connecting and for reading one response.
    retries
        Extra attempts after the first on retryable failures.
    backoff
        First wait in seconds; doubled each retry (1, 2, 4, 8 …).
    max_wait
        The longest single wait (also caps a server's ``Retry-After``).
    cache_dir
        Folder of the response cache; ``None`` disables it.
    sleep, clock
        Injected for tests (``time.sleep``, ``time.monotonic``).
    """

    session: Any = None
    limits: Limits = field(default_factory=Limits)
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    cache_dir: Path | None = None
    progress: bool = True
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    calls: deque = field(default_factory=deque, init=False, repr=False)
    server_config: dict | None = field(default=None, init=False, repr=False)
    log: list[str] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        check_client_options(timeout=self.timeout, retries=self.retries, limits=self.limits,
                             backoff=self.backoff, max_wait=self.max_wait)
        if self.session is None:
            import requests

            self.session = requests.Session()

    # -- rate limit ------------------------------------------------------------------
    def _throttle(self) -> None:
        now = self.clock()
        while self.calls and now - self.calls[0] >= self.limits.window_s:
            self.calls.popleft()
        if len(self.calls) >= self.limits.max_calls:
            wait = self.limits.window_s - (now - self.calls[0])
            if wait > 0:
                self.log.append(f"rate limit: waiting {wait:.2f} s")
                self.sleep(wait)
            now = self.clock()
            while self.calls and now - self.calls[0] >= self.limits.window_s:
                self.calls.popleft()
        self.calls.append(self.clock())

    # -- cache -----------------------------------------------------------------------
    def _cache_file(self, method: str, url: str, body: Any) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(json.dumps([method, url, body], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return Path(self.cache_dir) / f"{key}.json"

    # -- requests --------------------------------------------------------------------
    def request_json(self, method: str, url: str, body: Any = None) -> tuple[Any, bytes]:
        """Call ``url`` and return the parsed JSON and its bytes.

        Raises
        ------
        FetchError
            On a non-retryable HTTP error (4xx other than 429), or when every attempt failed;
            the message names the URL, the last status or failure, and the attempts made.
        """
        from .sources.jsonstat import load_json_bytes

        cached = self._cache_file(method, url, body)
        if cached is not None and cached.exists():
            data = cached.read_bytes()
            self.log.append(f"cache hit {url}")
            return load_json_bytes(data, url), data
        import requests

        last = "no attempt"
        for attempt in range(self.retries + 1):
            wait = min(self.backoff * (2 ** attempt), self.max_wait)
            self._throttle()
            try:
                response = self.session.request(method, url, json=body, timeout=self.timeout,
                                                headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
            except requests.Timeout:
                last = f"no answer within {self.timeout:g} s (time-out)"
            except requests.ConnectionError as exc:
                last = f"connection failed ({type(exc).__name__})"
            else:
                status = int(response.status_code)
                if status == 429:
                    retry_after = _retry_after(response.headers.get("Retry-After"))
                    last = "HTTP 429 Too Many Requests"
                    if retry_after is not None:
                        wait = min(retry_after, self.max_wait)
                elif 500 <= status < 600:
                    last = f"HTTP {status} (server error)"
                elif status >= 400:
                    snippet = response.content[:200].decode("utf-8", "replace").strip()
                    raise FetchError(f"{method} {url} answered HTTP {status}: {snippet}",
                                     hint="check the table id, the variable codes and the years")
                else:
                    data = response.content
                    expected = response.headers.get("Content-Length")
                    if expected is not None and expected.isdigit() and int(expected) != len(data) \
                            and not response.headers.get("Content-Encoding"):
                        last = f"truncated body ({len(data)} of {expected} bytes)"
                    else:
                        try:
                            doc = load_json_bytes(data, url)
                        except InputFileError as exc:
                            last = f"unreadable body: {exc.message}"
                        else:
                            if cached is not None:
                                from .atomic import write_bytes

                                write_bytes(cached, data)
                            return doc, data
            self.log.append(f"attempt {attempt + 1} of {url}: {last}")
            if attempt < self.retries:
                self.sleep(wait)
        raise FetchError(f"{method} {url} failed after {self.retries + 1} attempts: {last}",
                         hint="try again later; the previous snapshot was left untouched")

    def progress_bar(self, items: Iterable, total: int, desc: str):
        """A tqdm bar over ``items`` (silent when ``progress`` is off)."""
        from tqdm.auto import tqdm

        return tqdm(items, total=total, desc=desc, disable=not self.progress or total <= 1, leave=False)


def _positive(value: object, option: str, what: str, *, integer: bool = False, zero: bool = False) -> None:
    ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        bound = "0 or more" if zero else "more than 0"
        raise ParameterError(f"{option} must be {what}, {bound}; not {value!r}")


def check_client_options(*, timeout: float, retries: int, limits: Limits, backoff: float = 1.0,
                         max_wait: float = 120.0) -> None:
    """Refuse client settings that cannot work (before any call is made).

    Raises
    ------
    ParameterError
        Naming the command-line option: ``--timeout`` and ``--window`` need a positive number
        of seconds, ``--max-calls`` and ``--max-cells`` a positive whole number, ``--retries``
        a whole number of 0 or more.
    """
    _positive(timeout, "--timeout", "a number of seconds")
    _positive(retries, "--retries", "a whole number", integer=True, zero=True)
    _positive(limits.max_calls, "--max-calls", "a whole number of calls", integer=True)
    _positive(limits.window_s, "--window", "a number of seconds")
    _positive(limits.max_cells, "--max-cells", "a whole number of cells", integer=True)
    _positive(backoff, "backoff", "a number of seconds", zero=True)
    _positive(max_wait, "max_wait", "a number of seconds", zero=True)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay-seconds or an HTTP date; a past date is 0), or
    None if it is absent or unreadable. Parsed by urllib3's ``Retry.parse_retry_after``."""
    if not value:
        return None
    from urllib3.exceptions import InvalidHeader
    from urllib3.util.retry import Retry

    try:
        return float(Retry().parse_retry_after(value.strip()))
    except InvalidHeader:
        return None


def cell_count(selection: dict[str, list[str]]) -> int:
    """Cells a selection asks for (the product of the numbers of values)."""
    return math.prod(len(v) for v in selection.values())


def split_selection(selection: dict[str, list[str]], max_cells: int,
                    protect: Iterable[str] = ()) -> list[dict[str, list[str]]]:
    """Split a selection into parts of at most ``max_cells`` cells each.

    The variable with the most values (outside ``protect``) is cut in halves, recursively;
    together the parts select exactly the original cells.

    Raises
    ------
    DigimotorError
        If the selection cannot be split small enough.
    """
    if cell_count(selection) <= max_cells:
        return [selection]
    protect = set(protect)
    splittable = [(len(v), k) for k, v in selection.items() if len(v) > 1 and k not in protect]
    if not splittable:
        raise DigimotorError(
            f"one call would ask for {cell_count(selection)} cells, more than the limit {max_cells}, "
            "and the query cannot be split further",
        )
    _n, var = max(splittable)
    values = selection[var]
    half = len(values) // 2
    parts = []
    for chunk in (values[:half], values[half:]):
        parts += split_selection({**selection, var: chunk}, max_cells, protect)
    return parts
