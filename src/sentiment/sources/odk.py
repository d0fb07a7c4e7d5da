"""ODK Central through pyodk: OData `Submissions` of one form, pages of `$top` followed by
`@odata.nextLink`, filtered on `__system/submissionDate` / `__system/updatedAt` after the cursor.

Deletions: Central (since v2024.2) soft-deletes a submission (`deletedAt` set, purged after
30 days in the trash). Its OData leaves deleted submissions out of `Submissions` unless the
`$filter` names `__system/deletedAt`, and then includes them with `__system/deletedAt` set
(central-backend `lib/data/odata-filter.js`, `odataExcludeDeleted`, used by
`lib/model/query/submissions.js`; `__system/deletedAt` is filterable since v2024.3,
`lib/data/submission.js` `filterableFields`, docs/api.yaml "ODK Central v2024.3"). Older
servers answer such a filter with 501.5 (`unsupportedODataField`). So a pull asks a second
feed after the submissions: `__system/deletedAt gt <cursor before the pull>` (`ne null` with
no cursor). Deletion times never move the cursor. A deletion made after a page was fetched
is later than every time on that page, so the next pull's bound (the newest time loaded)
still finds it. Restoring a submission from Central's trash clears `deletedAt` without
touching `updatedAt`: a pull does not see a restore (the withdrawal stays recorded).

Credentials reach pyodk as an in-memory `Config` (never a TOML file on disk) and the session
token is kept in memory only (no pyodk cache file).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentiment.settings import ODK_PASSWORD_ENV, ODK_USERNAME_ENV, mask_secrets
from sentiment.sources.http import NoDeletionFeed, SourceError, same_origin, status_text

if TYPE_CHECKING:
    from sentiment.warehouse.withdraw import Withdrawal

KIND = "odk"
MAX_PAGE = 1000
TIME_FIELDS = ("submissionDate", "updatedAt")  # under __system
DELETED_FIELD = "__system/deletedAt"
DELETION_REASON = "deleted on ODK Central"
FIRST, DELETED = "odata:first", "odata:deleted"  # the first page of each feed
_NAV = "@odata.navigationLink"
# pyodk logs every failure with its traceback; it goes to the debug log (if any), never
# to a person's terminal through logging's last-resort handler.
logging.getLogger("pyodk").addHandler(logging.NullHandler())


@dataclass
class Page:
    number: int
    records: list[dict[str, Any]]
    next_url: str | None


def _hint(status: int, project: int, form: str, host: str) -> str:
    return {401: f"check {ODK_USERNAME_ENV} and {ODK_PASSWORD_ENV}",
            403: f"the account of {ODK_USERNAME_ENV} may not read form {form!r} of project {project}",
            404: f"no form {form!r} in project {project} on {host} (check --project and --form)",
            }.get(status, "the server refused the request")


def _instance(value: Any) -> str | None:
    """An instance id as the readers store it (`uuid:` dropped)."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    return text.removeprefix("uuid:") or None


def repeat_groups(record: dict[str, Any], prefix: str = "") -> list[str]:
    """Repeat groups of an OData record: OData links them (`<name>@odata.navigationLink`)."""
    found = []
    for key, value in record.items():
        if key.endswith(_NAV):
            found.append(prefix + key.removesuffix(_NAV))
        elif isinstance(value, dict):
            found += repeat_groups(value, f"{prefix}{key}/")
    return found


@dataclass
class OdkSource:
    """One ODK Central form as a pull source (`sources.pull.pull`)."""

    client: Any  # pyodk.Client
    server: str
    project: int
    form: str
    page_size: int = MAX_PAGE
    secrets: tuple[str, ...] = field(default=(), repr=False)
    kind: str = KIND
    deletion_reason: str = DELETION_REASON
    _after: str | None = None

    @classmethod
    def connect(cls, server: str, project: int, form: str, credentials: tuple[str, str], *,
                page_size: int = MAX_PAGE, retries: int = 3, backoff: float = 2.0) -> OdkSource:
        from pyodk import Client
        from pyodk._utils.config import CentralConfig, Config
        from pyodk._utils.session import Adapter, Session
        from urllib3.util import Retry

        if not server.startswith(("http://", "https://")):
            raise SourceError(f"{KIND}: --server {server!r}: expected https://…")
        if not 1 <= page_size <= MAX_PAGE:
            raise SourceError(f"{KIND}: page size {page_size}: must be 1 to {MAX_PAGE}")
        user, password = credentials
        config = Config(central=CentralConfig(base_url=server, username=user, password=password))
        session = Session(base_url=server, api_version="v1", username=user, password=password,
                          cache_path=None)
        retry = Retry(total=retries, backoff_factor=backoff,
                      status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None)
        for scheme in ("https://", "http://"):
            session.mount(scheme, Adapter(timeout=120, max_retries=retry))
        client = Client(config=config, session=session, project_id=project)
        return cls(client, server.rstrip("/"), project, form, page_size, (password,))

    def close(self) -> None:
        self.client.close()

    @property
    def key(self) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(self.server)
        return f"{KIND}:{parts.netloc}{parts.path.rstrip('/')}/{self.project}/{self.form}"

    @property
    def slug(self) -> str:
        from urllib.parse import urlsplit

        from sentiment.sources.pull import slug

        return slug(f"{urlsplit(self.server).netloc}-{self.project}-{self.form}")

    def _call(self, what, *args, deletions: bool = False, **kwargs):
        """A pyodk call, its failures as one-line `SourceError`s with secrets masked."""
        import requests
        from pyodk.errors import PyODKError

        host = self.server.split("://", 1)[-1]
        try:
            return what(*args, **kwargs)
        except PyODKError as exc:
            response = exc.args[1] if len(exc.args) > 1 else None
            if deletions and isinstance(response, requests.Response) and response.status_code == 501:
                raise NoDeletionFeed(f"{KIND}: {host} cannot filter on {DELETED_FIELD} (ODK "
                                     "Central before v2024.3): submissions deleted there stay "
                                     "in the views") from None
            if isinstance(response, requests.Response):
                status = status_text(response.status_code)
                raise SourceError(mask_secrets(f"{KIND}: {status}: {_hint(response.status_code, self.project, self.form, host)}",
                                               *self.secrets)) from None
            raise SourceError(mask_secrets(f"{KIND}: {' '.join(str(exc.args[0]).split())[:200]}",
                                           *self.secrets)) from None
        except requests.exceptions.RetryError:
            raise SourceError(f"{KIND}: the server {host} kept failing (429/5xx); try again later"
                              ) from None
        except requests.exceptions.RequestException as exc:
            reason = type(exc).__name__
            raise SourceError(f"{KIND}: cannot reach {host} ({reason})") from None
        except ValueError:
            raise SourceError(f"{KIND}: {host}: the reply is not JSON (is --server the right "
                              "address?)") from None

    def first_url(self, after: str | None) -> str:
        self._after = after
        return FIRST

    def deletions_url(self, after: str | None) -> str:
        """The deletion feed: submissions deleted after `after` (every one in the trash
        without it), deleted or not when first loaded."""
        self._after = after
        return DELETED

    def _filter(self, url: str) -> str | None:
        if url == DELETED:
            return f"{DELETED_FIELD} gt {self._after}" if self._after else f"{DELETED_FIELD} ne null"
        if not self._after:
            return None
        return " or ".join(f"__system/{f} gt {self._after}" for f in TIME_FIELDS)

    def fetch(self, url: str, number: int) -> Page:
        if url in (FIRST, DELETED):
            document = self._call(self.client.submissions.get_table, form_id=self.form,
                                  project_id=self.project, filter=self._filter(url),
                                  top=self.page_size, deletions=url == DELETED)
        else:
            document = self._call(lambda: self.client.session.response_or_error(
                "GET", url, logging.getLogger("pyodk")).json())
        if not isinstance(document, dict) or not isinstance(document.get("value"), list):
            raise SourceError(f"{KIND}: form {self.form}, page {number}: expected an OData "
                              'document {"value": [...]}')
        records = document["value"]
        for record in records:
            if groups := repeat_groups(record):
                raise SourceError(f"{KIND}: form {self.form!r}: repeat group {groups[0]!r} is not "
                                  "supported yet; nothing of this page was loaded")
        link = document.get("@odata.nextLink")
        next_url = None
        if isinstance(link, str) and link:
            import httpx

            base = httpx.URL(self.client.session.base_url)
            next_url = str(same_origin(KIND, base, link))
        return Page(number, records, next_url)

    def record_time(self, record: dict[str, Any]) -> str | None:
        system = record.get("__system") or {}
        times = [system.get(f) for f in TIME_FIELDS] if isinstance(system, dict) else []
        times = [t for t in times if isinstance(t, str) and t]
        return max(times) if times else None

    def record_version(self, record: dict[str, Any]) -> str | None:
        system = record.get("__system") or {}
        value = system.get("formVersion") if isinstance(system, dict) else None
        return str(value) if value else None

    def withdrawal(self, record: dict[str, Any]) -> Withdrawal | None:
        """A record of the deletion feed as a `Withdrawal`: Central's `__id` (the first
        version's instanceID, the id every edit keeps), the current and replaced versions'
        ids, the deletion time; None for a record without `__id` or `deletedAt`."""
        from sentiment.warehouse.withdraw import Withdrawal

        system = record.get("__system") if isinstance(record.get("__system"), dict) else {}
        meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
        root, deleted = _instance(record.get("__id")), system.get("deletedAt")
        if not root or not isinstance(deleted, str) or not deleted:
            return None
        ids = tuple(i for i in (_instance(meta.get("instanceID")),
                                _instance(meta.get("deprecatedID"))) if i)
        try:
            when = datetime.fromisoformat(deleted)
        except ValueError:
            when = None
        return Withdrawal(root, ids, when)

    def _form_names(self) -> set[str]:
        return {self.form, re.sub(r"[^0-9A-Za-z_]+", "_", self.form).strip("_").lower()}

    def warehouse_form(self, schemas: Path) -> str:
        """The programme's form id for this Central form (as `ensure_form` found or made it)."""
        from sentiment.forms import model

        known = {f.form_id for f in model.load_registry(schemas / "forms").forms}
        for name in sorted(self._form_names() & known):
            return name
        raise SourceError(f"{KIND}: the programme has no form {self.form!r}")

    def document(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """A page as the OData document the readers take (`{"value": [...]}`)."""
        return {"value": records}

    def ensure_form(self, schemas: Path, staging: Path, run) -> Path | None:
        """Import the form's XLSForm from Central when the programme has no form of that id."""
        from sentiment.forms import model
        from sentiment.forms.xlsform import import_form

        forms_dir = schemas / "forms"
        known = {f.form_id for f in model.load_registry(forms_dir).forms} if forms_dir.is_dir() else set()
        if self._form_names() & known:
            return None
        import requests

        path = f"projects/{self.project}/forms/{self.form}.xlsx"
        response = self._call(lambda: self.client.session.get(path))
        if not isinstance(response, requests.Response) or response.status_code != 200:
            status = getattr(response, "status_code", "?")
            raise SourceError(f"{KIND}: the programme has no form {self.form!r} and Central gave no "
                              f"XLSForm for it ({status}); import it with `sentiment forms import`")
        staging.mkdir(parents=True, exist_ok=True)
        saved = staging / f"{self.form}.xlsx"
        saved.write_bytes(response.content)
        written, imported = import_form(saved, schemas)
        model._registry.cache_clear()
        run.warning("odk: the programme had no form %r: imported it as %s (review the guessed "
                    "roles)", self.form, written)
        for note in imported.warnings:
            run.warning("odk: form %s: %s", self.form, note)
        return written
