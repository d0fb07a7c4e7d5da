"""Entrypoint kept for the design card's top-level `flows/`: the flow lives in
`sentiment.flows.ingest` (deployments name it by module path, see prefect.yaml)."""

from sentiment.flows.ingest import ingest_surveys  # noqa: F401

if __name__ == "__main__":
    ingest_surveys()
