"""A local KoboToolbox (API v2) for the tests: the asset, paged data with `next` links, the
Mongo-style `query` on `_submission_time`, and 401 without the token. Fictional data only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

TOKEN = "kobo-TEST-token-5f2c9a7e1b"  # fictional
UID = "aPulseUji7Qx"
VERSION = "vQ8zK4jWcGmW6jKdYzJ2Fe"  # real Kobo version ids are 22 characters


def asset() -> dict:
    """GET /api/v2/assets/{uid}/ (trimmed): label lists follow `translations`."""
    return {
        "uid": UID, "name": "Survei Warga Uji", "asset_type": "survey", "version_id": VERSION,
        "deployed_version_id": VERSION,
        "deployed_versions": {"count": 1, "results": [{"uid": VERSION, "date_deployed": "2026-01-05"}]},
        "content": {
            "schema": "1",
            "survey": [
                {"type": "start", "name": "start", "$autoname": "start", "$kuid": "k0"},
                {"type": "begin_group", "name": "warga", "$autoname": "warga", "label": ["Warga", "Resident"]},
                {"type": "date", "name": "tanggal", "$autoname": "tanggal",
                 "label": ["Tanggal wawancara", "Interview date"], "required": True},
                {"type": "integer", "name": "usia", "$autoname": "usia", "label": ["Usia", "Age"],
                 "constraint": ". >= 17 and . <= 90", "required": True},
                {"type": "end_group"},
                {"type": "select_one", "select_from_list_name": "yt", "name": "setuju",
                 "$autoname": "setuju", "label": ["Setuju ikut?", "Agree to take part?"], "required": True},
                {"type": "text", "name": "cerita", "$autoname": "cerita",
                 "label": ["Ceritakan lingkungan Anda", "Tell us about your neighbourhood"]},
            ],
            "choices": [
                {"list_name": "yt", "name": "ya", "$autoname": "ya", "label": ["Ya", "Yes"]},
                {"list_name": "yt", "name": "tidak", "$autoname": "tidak", "label": ["Tidak", "No"]},
            ],
            "settings": {"default_language": "Indonesian (id)"},
            "translated": ["label"],
            "translations": ["Indonesian (id)", "English (en)"],
        },
    }


def submission(i: int, *, uuid: str | None = None, root: str | None = None,
               deprecated: str | None = None, usia: int | None = None,
               nested: bool | None = None) -> dict:
    """Submission number `i` as the data endpoint returns it; even numbers with nested groups."""
    uuid = uuid or f"00000000-0000-4000-8000-{i:012d}"
    minute, second = divmod(i, 60)
    record = {
        "_id": 1000 + i, "_uuid": uuid, "__version__": VERSION,
        "_submission_time": f"2026-03-02T{8 + minute // 60:02d}:{minute % 60:02d}:{second:02d}",
        "formhub/uuid": "f0f0f0f0", "meta/instanceID": f"uuid:{uuid}",
        "meta/rootUuid": f"uuid:{root or uuid}", "setuju": "ya",
        "_attachments": [], "_geolocation": [None, None], "_status": "submitted_via_web",
        "_tags": [], "_notes": [], "_validation_status": {}, "_submitted_by": None,
    }
    if deprecated:
        record["meta/deprecatedID"] = f"uuid:{deprecated}"
    group = {"tanggal": f"2026-03-{1 + i % 28:02d}", "usia": str(usia if usia is not None else 17 + i % 60)}
    if nested if nested is not None else i % 2 == 0:
        record["warga"] = group
    else:
        record.update({f"warga/{k}": v for k, v in group.items()})
    if i % 10 == 0:
        record["cerita"] = "lingkungan makin aman, anak-anak main bola bareng" if i % 20 else "biasa saja"
    return record


@dataclass
class FakeKobo:
    """The server's state: its submissions, what it was asked, and failures to inject."""

    records: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    fail_pages: set[int] = field(default_factory=set)  # page numbers answered with 500
    fail_status: int = 500

    def install(self, httpserver) -> None:
        httpserver.expect_request(f"/api/v2/assets/{UID}/").respond_with_handler(self._asset)
        httpserver.expect_request(f"/api/v2/assets/{UID}/data/").respond_with_handler(self._data)

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Token {TOKEN}"

    def _asset(self, request: Request) -> Response:
        if not self._authorised(request):
            return _json({"detail": "Authentication credentials were not provided."}, 401)
        return _json(asset())

    def _data(self, request: Request) -> Response:
        args = request.args
        self.requests.append(dict(args))
        if not self._authorised(request):
            return _json({"detail": "Invalid token."}, 401)
        limit, start = min(int(args.get("limit", 100)), 1000), int(args.get("start", 0))
        if start // limit + 1 in self.fail_pages:
            return Response("Internal Server Error", status=self.fail_status)
        rows = sorted(self.records, key=lambda r: r["_submission_time"])
        if "query" in args:
            after = json.loads(args["query"])["_submission_time"]["$gt"]
            rows = [r for r in rows if r["_submission_time"] > after]
        page = rows[start:start + limit]
        nxt = None
        if start + limit < len(rows):
            nxt = f"{request.host_url}api/v2/assets/{UID}/data/?" + urlencode(
                {**args, "start": start + limit})
        return _json({"count": len(rows), "next": nxt, "previous": None, "results": page})


def _json(document: object, status: int = 200) -> Response:
    return Response(json.dumps(document), status=status, content_type="application/json")
