"""KoboToolbox API v2: an asset's form (`/api/v2/assets/{uid}/`) and its submissions
(`/api/v2/assets/{uid}/data/`), pages of at most 1,000 after a `_submission_time` cursor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from sentiment.settings import KOBO_TOKEN_ENV
from sentiment.sources.http import Retry, SourceError, json_body, request, same_origin

KIND = "kobo"
MAX_PAGE = 1000  # the most Kobo's data endpoint returns per page
TIME_FIELD = "_submission_time"


@dataclass
class Page:
    """One page of submissions as the server sent them, and the link to the next one."""

    number: int
    records: list[dict[str, Any]]
    next_url: str | None
    total: int | None = None


@dataclass
class KoboClient:
    """One Kobo server and token; the token is sent as a header, never put in a URL or a message."""

    server: str
    token: str = field(repr=False)
    page_size: int = MAX_PAGE
    retry: Retry = field(default_factory=Retry)
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= MAX_PAGE:
            raise SourceError(f"{KIND}: page size {self.page_size}: must be 1 to {MAX_PAGE}")
        server = self.server.rstrip("/")
        if not server.startswith(("http://", "https://")):
            raise SourceError(f"{KIND}: --server {server!r}: expected https://… (e.g. "
                              "https://kf.kobotoolbox.org)")
        self.base = httpx.URL(server + "/")
        self._http = httpx.Client(headers={"Authorization": f"Token {self.token}",
                                           "Accept": "application/json"},
                                  timeout=self.timeout, follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def _get(self, url: httpx.URL | str, uid: str, params: dict[str, str] | None = None):
        hints = {401: f"check {KOBO_TOKEN_ENV}", 403: f"the account of {KOBO_TOKEN_ENV} may not "
                 f"view the data of asset {uid}", 404: f"no asset {uid!r} on {self.base.host} "
                 "(check --asset and --server)"}
        response = request(KIND, lambda: self._http.get(url, params=params), self.retry, hints,
                           (self.token,))
        return json_body(KIND, response, (self.token,))

    def asset(self, uid: str) -> dict[str, Any]:
        """The asset as `GET /api/v2/assets/{uid}/` returns it (content.survey, choices, …)."""
        document = self._get(self.base.join(f"api/v2/assets/{uid}/"), uid, {"format": "json"})
        if not isinstance(document, dict):
            raise SourceError(f"{KIND}: asset {uid}: expected a JSON object")
        return document

    def first_page_url(self, uid: str, after: str | None) -> httpx.URL:
        params = {"format": "json", "limit": str(self.page_size),
                  "sort": json.dumps({TIME_FIELD: 1})}
        if after:
            params["query"] = json.dumps({TIME_FIELD: {"$gt": after}})
        return self.base.join(f"api/v2/assets/{uid}/data/").copy_merge_params(params)

    def page(self, uid: str, url: httpx.URL | str, number: int) -> Page:
        """One page of `/data/`: its `results` and the `next` link (same server only)."""
        document = self._get(url, uid)
        if not isinstance(document, dict) or not isinstance(document.get("results"), list):
            raise SourceError(f"{KIND}: asset {uid}, page {number}: expected "
                              '{"results": [...]} from the data endpoint')
        link = document.get("next")
        next_url = str(same_origin(KIND, self.base, link)) if isinstance(link, str) and link else None
        count = document.get("count")
        return Page(number, document["results"], next_url, count if isinstance(count, int) else None)

    def pages(self, uid: str, after: str | None) -> Iterator[Page]:
        url: str | None = str(self.first_page_url(uid, after))
        number = 1
        while url:
            page = self.page(uid, url, number)
            yield page
            url, number = page.next_url, number + 1


@dataclass
class KoboSource:
    """One Kobo asset as a pull source (`sources.pull.pull`)."""

    client: KoboClient
    uid: str
    kind: str = KIND

    @property
    def key(self) -> str:
        return f"{KIND}:{self.client.base.host}{self.client.base.path.rstrip('/')}/{self.uid}"

    @property
    def slug(self) -> str:
        from sentiment.sources.pull import slug

        return slug(f"{self.client.base.host}-{self.uid}")

    def close(self) -> None:
        self.client.close()

    def first_url(self, after: str | None) -> str:
        return str(self.client.first_page_url(self.uid, after))

    def fetch(self, url: str, number: int) -> Page:
        return self.client.page(self.uid, url, number)

    def deletions_url(self, after: str | None) -> None:
        """None: Kobo's API v2 has no feed of deleted submissions (a deleted one just stops
        being listed), so a pull cannot tell a deletion from an old submission."""
        return None

    def record_time(self, record: dict[str, Any]) -> str | None:
        value = record.get(TIME_FIELD)
        return value if isinstance(value, str) and value else None

    def record_version(self, record: dict[str, Any]) -> str | None:
        value = record.get("__version__")
        return str(value) if value else None

    def document(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """A page as the Kobo JSON export the readers take (`{"results": [...]}`)."""
        return {"results": records}

    def ensure_form(self, schemas, staging, run) -> Any:
        """Import the asset's form when the programme has no form with its id; the written
        form definition's path, or None when the programme already had one."""
        from sentiment.forms import model
        from sentiment.forms.xlsform import convert, read_kobo_asset, write_form

        asset = self.client.asset(self.uid)
        staging.mkdir(parents=True, exist_ok=True)
        saved = staging / f"asset-{self.uid}.json"
        saved.write_text(json.dumps(asset, ensure_ascii=False, indent=1), encoding="utf-8")
        form, warnings, match = read_kobo_asset(saved)
        imported = convert(form, source=f"Kobo asset {self.uid}", versions_match=match,
                           warnings=warnings)
        forms_dir = schemas / "forms"
        known = {f.form_id for f in model.load_registry(forms_dir).forms} if forms_dir.is_dir() else set()
        if imported.form_id in known:
            return None
        written = write_form(imported, schemas)
        model._registry.cache_clear()  # the readers must see the new form
        run.warning("kobo: the programme had no form for asset %s: imported it as %s "
                    "(review the guessed roles)", self.uid, written)
        for note in imported.warnings:
            run.warning("kobo: asset %s: %s", self.uid, note)
        return written
