"""Entrypoint kept for the design card's top-level `flows/`: the flow lives in
`sentiment.flows.report` (deployments name it by module path, see prefect.yaml)."""

from sentiment.flows.report import wave_report  # noqa: F401

if __name__ == "__main__":
    wave_report()
