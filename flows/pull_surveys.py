"""Entrypoint kept for the design card's top-level `flows/`: the flow lives in
`sentiment.flows.pull` (deployments name it by module path, see prefect.yaml)."""

from sentiment.flows.pull import pull_surveys  # noqa: F401

if __name__ == "__main__":
    pull_surveys()
