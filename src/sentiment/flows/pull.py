"""Flow `pull-surveys`: new submissions from every configured KoboToolbox / ODK Central
source → the one stage sequence → the warehouse, then the tension index.

Wiring only: `sources.pull.pull` fetches pages and loads each through `steps.ingest_one`;
here every page fetch and every step is a Prefect task (`PrefectRun`). Parameters name
servers and forms only: tokens and passwords are resolved in the flow's own process
(`SENTIMENT_KOBO_TOKEN`, `SENTIMENT_ODK_*` or Secret blocks) and never travel as parameters.
"""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.artifacts import create_table_artifact

from sentiment.flows.ingest import PrefectRun, flow_settings
from sentiment.settings import quiet_telemetry

quiet_telemetry()


@flow(name="pull-surveys")
def pull_surveys(sources: list[dict[str, Any]] | None = None, db_url: str | None = None,
                 scorer: str | None = None, full: bool = False, run_index: bool = True,
                 schemas: str | None = None) -> list[dict[str, Any]]:
    """Pull every source (default: `sources:` in programme.yaml), one after another.

    A source is `{kind: kobo, server, asset}` or `{kind: odk, server, project, form}`.
    `full`: ask for every submission, not only those after the cursor (catches edits of
    old Kobo submissions; what is loaded already is skipped). `run_index`: recompute the
    tension index afterwards when anything was loaded or a deletion on the server took
    responses out of the views (the index and every table derived from the views are
    recomputed from what is current).
    """
    from sentiment.sources.config import check_source, configured_sources, open_source
    from sentiment.sources.pull import pull

    settings = flow_settings(db_url, scorer, schemas=schemas)
    specs = [check_source(s) for s in sources] if sources else configured_sources(settings)
    run = PrefectRun()
    totals = []
    for spec in specs:
        source = open_source(spec, settings)
        try:
            result = pull(source, settings, run, full=full)
        finally:
            source.close()
        totals.append({"source": result.source, "fetched": result.fetched, "pages": result.pages,
                       "loaded": result.loaded, "deleted": result.deleted,
                       "left_views": result.withdrawn_responses, "cursor": result.cursor_after,
                       "imported_form": str(result.imported_form or "")})
    create_table_artifact(key="pull-summary", table=totals,
                          description="Submissions fetched, loaded and marked deleted per source")
    if run_index and any(t["loaded"] or t["left_views"] for t in totals):
        from sentiment.flows.tension import tension_index

        tension_index(db_url=db_url, schemas=schemas)
    return totals
