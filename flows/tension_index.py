"""Entrypoint kept for the design card's top-level `flows/`: the flow lives in
`sentiment.flows.tension` (deployments name it by module path, see prefect.yaml)."""

from sentiment.flows.tension import tension_index  # noqa: F401

if __name__ == "__main__":
    tension_index()
