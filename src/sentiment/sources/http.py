"""What every server client shares: one-line errors that never show a secret, and retries
with back-off on 429 and 5xx."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from sentiment.errors import SentimentError
from sentiment.settings import mask_secrets

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SourceError(SentimentError):
    """A survey server refused or failed a request: one line, secrets masked."""


class NoDeletionFeed(SourceError):
    """The server cannot say which submissions were deleted (a warning, not a failure)."""


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a request is repeated after a 429 or 5xx."""

    attempts: int = 4
    backoff: float = 2.0  # seconds before the 2nd attempt; doubles each time; Retry-After wins
    max_wait: float = 60.0

    def wait(self, attempt: int, response: httpx.Response | None) -> float:
        after = response.headers.get("Retry-After") if response is not None else None
        if after and after.isdigit():
            return min(float(after), self.max_wait)
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait)


def request(kind: str, send: Callable[[], httpx.Response], retry: Retry,
            hints: dict[int, str], secrets: tuple[str | None, ...] = (),
            sleep: Callable[[float], None] = time.sleep) -> httpx.Response:
    """`send()` until it succeeds, retrying 429/5xx and dropped connections; any other
    failure is a `SourceError` such as "kobo: 401 Unauthorized: check SENTIMENT_KOBO_TOKEN"."""
    response: httpx.Response | None = None
    for attempt in range(1, retry.attempts + 1):
        try:
            response = send()
        except httpx.TransportError as exc:
            if attempt == retry.attempts:
                reason = mask_secrets(" ".join(str(exc).split()) or type(exc).__name__, *secrets)
                raise SourceError(f"{kind}: cannot reach the server ({reason}); "
                                  f"gave up after {attempt} attempt(s)") from None
            sleep(retry.wait(attempt, None))
            continue
        if response.status_code < 400:
            return response
        if response.status_code not in RETRY_STATUSES or attempt == retry.attempts:
            break
        sleep(retry.wait(attempt, response))
    assert response is not None
    status = status_text(response.status_code)
    hint = hints.get(response.status_code) or (
        f"the server failed {retry.attempts} time(s); try again later"
        if response.status_code in RETRY_STATUSES else "the server refused the request")
    raise SourceError(mask_secrets(f"{kind}: {status}: {hint}", *secrets))


def status_text(code: int) -> str:
    """`401 Unauthorized`: the standard phrase, whatever the server wrote."""
    from http import HTTPStatus

    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def json_body(kind: str, response: httpx.Response, secrets: tuple[str | None, ...] = ()) -> object:
    try:
        return response.json()
    except ValueError:
        where = mask_secrets(str(response.request.url.copy_with(query=None)), *secrets)
        raise SourceError(f"{kind}: {where}: the reply is not JSON (is --server the right "
                          "address?)") from None


def same_origin(kind: str, base: httpx.URL, link: str) -> httpx.URL:
    """A `next` link from the server, refused if it points elsewhere (the token would follow)."""
    url = base.join(link)
    if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
        raise SourceError(f"{kind}: the server's next-page link points to another host "
                          f"({url.host}); not followed")
    return url
