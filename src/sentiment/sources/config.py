"""The sources a programme pulls from (`sources:` in programme.yaml), opened with the
credentials the settings resolved. A source names a server and a form, never a secret."""

from __future__ import annotations

from typing import Any

from sentiment.errors import SentimentError
from sentiment.settings import Settings

KINDS = {"kobo": ("server", "asset"), "odk": ("server", "project", "form")}


def configured_sources(settings: Settings) -> list[dict[str, Any]]:
    """`sources:` of the programme's programme.yaml, checked: kind and its keys."""
    from sentiment.config import load_yaml

    settings.schemas_path()  # use the programme folder of these settings
    programme = load_yaml("programme.yaml") or {}
    raw = programme.get("sources") or []
    if not isinstance(raw, list):
        raise SentimentError("programme.yaml: `sources:` must be a list of {kind, server, …}")
    return [check_source(spec, f"programme.yaml: sources[{i}]") for i, spec in enumerate(raw)]


def check_source(spec: Any, where: str = "source") -> dict[str, Any]:
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        raise SentimentError(f"{where}: needs `kind: kobo` or `kind: odk`")
    spec = dict(spec)
    if "url" in spec and "server" not in spec:  # the name older scaffolds wrote
        spec["server"] = spec.pop("url")
    missing = [k for k in KINDS[spec["kind"]] if not spec.get(k)]
    if missing:
        raise SentimentError(f"{where}: kind {spec['kind']} needs {', '.join(missing)}")
    secret = [k for k in spec if k in ("token", "password", "username", "user")]
    if secret:
        raise SentimentError(f"{where}: {secret[0]!r} does not belong in programme.yaml; use "
                             "SENTIMENT_KOBO_TOKEN / SENTIMENT_ODK_* or Prefect Secret blocks")
    return spec


def open_source(spec: dict[str, Any], settings: Settings, page_size: int = 1000):
    """The pull source for `spec`, with its credentials from `settings` (env or Secret block)."""
    if spec["kind"] == "kobo":
        from sentiment.sources.kobo import KoboClient, KoboSource

        client = KoboClient(str(spec["server"]), settings.kobo_token, page_size=page_size)
        return KoboSource(client, str(spec["asset"]))
    from sentiment.sources.odk import OdkSource

    try:
        project = int(spec["project"])
    except (TypeError, ValueError):
        raise SentimentError(f"odk source {spec['form']}: project must be a number") from None
    return OdkSource.connect(str(spec["server"]), project, str(spec["form"]),
                             settings.odk_credentials, page_size=page_size)
