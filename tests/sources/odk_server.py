"""A local ODK Central for the tests: sessions, the form's XLSForm, and OData Submissions with
`$top`, `$skiptoken`/`@odata.nextLink` and `$filter` on `__system/*` dates. Fictional data.

Deleted submissions behave as in central-backend (`odataExcludeDeleted` in
lib/data/odata-filter.js): left out unless the `$filter` names `__system/deletedAt`, then
included with `__system/deletedAt` set; a server before v2024.3 (`deletion_feed=False`)
answers a filter on it with 501.5."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import openpyxl
from werkzeug.wrappers import Request, Response

USER, PASSWORD = "pendata@contoh.invalid", "odk-TEST-password-81d3"  # fictional
SESSION_TOKEN = "central-session-token-0a9b8c"
PROJECT, FORM, VERSION = 3, "warga_odk", "2026030101"
LANGS = ["label::Indonesian (id)", "label::English (en)"]


def xlsform() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", *LANGS, "constraint", "required"])
    for row in (["begin_group", "warga", "Warga", "Resident"],
                ["date", "tanggal", "Tanggal wawancara", "Interview date", "", "yes"],
                ["integer", "usia", "Usia", "Age", ". >= 17 and . <= 90", "yes"],
                ["end_group"],
                ["select_one yt", "setuju", "Setuju ikut?", "Agree?", "", "yes"],
                ["text", "cerita", "Ceritakan lingkungan Anda", "Tell us"]):
        sheet.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *LANGS])
    choices.append(["yt", "ya", "Ya", "Yes"])
    choices.append(["yt", "tidak", "Tidak", "No"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Survei Warga ODK", FORM, VERSION, "Indonesian (id)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def submission(i: int, *, edit_of: str | None = None, usia: int | None = None,
               updated: str | None = None) -> dict:
    root = f"uuid:00000000-0000-4000-9000-{i:012d}"
    instance = f"uuid:22222222-2222-4222-9222-{i:012d}" if edit_of else root
    minute, second = divmod(i, 60)
    meta = {"instanceID": instance}
    if edit_of:
        meta["deprecatedID"] = edit_of
    record = {
        "__id": root,
        "warga": {"tanggal": f"2026-03-{1 + i % 28:02d}", "usia": usia if usia is not None else 17 + i % 60},
        "setuju": "ya", "meta": meta,
        "__system": {"submissionDate": f"2026-03-02T{8 + minute // 60:02d}:{minute % 60:02d}:"
                                       f"{second:02d}.000Z",
                     "updatedAt": updated, "submitterId": "7", "submitterName": "pendata1",
                     "attachmentsPresent": 0, "attachmentsExpected": 0, "status": None,
                     "reviewState": None, "deviceId": None, "edits": 1 if edit_of else 0,
                     "formVersion": VERSION, "deletedAt": None},
    }
    if i % 10 == 0:
        record["cerita"] = "warga rukun, jalan sudah diperbaiki"
    return record


@dataclass
class FakeCentral:
    records: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    deletion_feed: bool = True  # Central v2024.3 or later
    fail_deleted: int = 0  # answer this many deletion-feed requests with 500

    def delete(self, which: int | str, at: str) -> dict:
        """`DELETE .../submissions/<instanceId>` of submission `which` (a number of
        `submission()`, or an `__id`): soft-deleted at `at`."""
        root = submission(which)["__id"] if isinstance(which, int) else which
        record = next(r for r in self.records if r["__id"] == root)
        record["__system"]["deletedAt"] = at
        return record

    def install(self, httpserver) -> None:
        httpserver.expect_request("/v1/sessions", method="POST").respond_with_handler(self._session)
        base = f"/v1/projects/{PROJECT}/forms/{FORM}"
        httpserver.expect_request(f"{base}.xlsx").respond_with_handler(self._xlsx)
        httpserver.expect_request(f"{base}.svc/Submissions").respond_with_handler(self._odata)

    def _session(self, request: Request) -> Response:
        body = json.loads(request.data or b"{}")
        if body.get("email") == USER and body.get("password") == PASSWORD:
            return _json({"token": SESSION_TOKEN, "expiresAt": "2026-12-31T00:00:00.000Z"})
        return _json({"code": 401.2, "message": "Could not authenticate with the provided credentials."}, 401)

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {SESSION_TOKEN}"

    def _xlsx(self, request: Request) -> Response:
        if not self._authorised(request):
            return _json({"code": 401.2, "message": "unauthorised"}, 401)
        return Response(xlsform(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def _odata(self, request: Request) -> Response:
        args = dict(request.args)
        self.requests.append(args)
        if not self._authorised(request):
            return _json({"code": 401.2, "message": "unauthorised"}, 401)
        expression = args.get("$filter", "")
        if "__system/deletedAt" in expression:
            if not self.deletion_feed:
                return _json({"code": 501.5, "message": "The given OData filter expression "
                              "references fields not supported by this server: "
                              "__system/deletedAt"}, 501)
            if self.fail_deleted:
                self.fail_deleted -= 1
                return _json({"code": 500.1, "message": "Internal Server Error"}, 500)
        rows = sorted(self.records, key=lambda r: r["__system"]["submissionDate"])
        if "__system/deletedAt" not in expression:
            rows = [r for r in rows if r["__system"].get("deletedAt") is None]
        if expression:
            bounds = dict(re.findall(r"__system/(\w+) gt (\S+)", expression))
            present = re.findall(r"__system/(\w+) ne null", expression)
            rows = [r for r in rows if any((r["__system"].get(k) or "") > v for k, v in bounds.items())
                    or any(r["__system"].get(k) is not None for k in present)]
        top = int(args.get("$top", 10_000))
        start = int(args.get("$skiptoken", args.get("$skip", 0)))
        page = rows[start:start + top]
        document = {"@odata.context": f"{request.host_url}v1/projects/{PROJECT}/forms/{FORM}.svc/$metadata#Submissions",
                    "value": page}
        if start + top < len(rows):
            query = {k: v for k, v in args.items() if k != "$skip"} | {"$skiptoken": start + top}
            document["@odata.nextLink"] = f"{request.base_url}?{urlencode(query)}"
        return _json(document)


def _json(document: object, status: int = 200) -> Response:
    return Response(json.dumps(document), status=status, content_type="application/json")
