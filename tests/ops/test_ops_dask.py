"""The same inputs through the default thread runner and a 2-worker Dask cluster give the same
warehouse, with scoring cut into many chunks on Dask."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ops_support import load_flow_file, warehouse_contents
from sample_paths import EXPORTS, TEST_KEY

pytestmark = pytest.mark.slow


@pytest.fixture
def one_file(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    # one sample file (~170 responses, ~250 texts) keeps the test short on 2 cores
    path = EXPORTS / "2025-02_remaja_gforms.csv"
    shutil.copy(path, folder / path.name)
    return folder


def test_dask_and_default_runner_give_identical_warehouses(
        prefect_harness, one_file: Path, tmp_path: Path, monkeypatch) -> None:
    from distributed import LocalCluster
    from prefect_dask import DaskTaskRunner

    from sentiment.flows import ingest as runners

    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", TEST_KEY.decode())
    flow = load_flow_file("ingest_surveys").ingest_surveys
    assert isinstance(flow.task_runner, type(runners.task_runner(None)))  # no address: threads

    default_url = f"sqlite:///{tmp_path / 'default.db'}"
    default_rows = flow(source=str(one_file), db_url=default_url)

    dask_url = f"sqlite:///{tmp_path / 'dask.db'}"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        dask_flow = flow.with_options(task_runner=DaskTaskRunner(address=cluster.scheduler_address))
        # 60 texts per task: the file's texts become several chunks spread over 2 workers
        dask_rows = dask_flow(source=str(one_file), db_url=dask_url, score_batch=60)

    assert [r["loaded"] for r in default_rows] == [r["loaded"] for r in dask_rows]
    assert sum(r["loaded"] for r in default_rows) > 0
    default, dask = warehouse_contents(default_url), warehouse_contents(dask_url)
    assert default.keys() == dask.keys()
    assert len(default["fact_text_score"]) > 60 * 2  # really several chunks
    for table in default:
        a, b = default[table], dask[table]
        differing = [c for c in a.columns if not a[c].equals(b[c])] if a.shape == b.shape else "shape"
        assert a.equals(b), f"{table}: {differing}"


def test_runner_choice_follows_the_environment(monkeypatch) -> None:
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from sentiment.flows.ingest import task_runner
    from sentiment.settings import DASK_ADDRESS_ENV, Settings

    monkeypatch.delenv(DASK_ADDRESS_ENV, raising=False)
    assert isinstance(task_runner(Settings.resolve().dask_address), ThreadPoolTaskRunner)
    monkeypatch.setenv(DASK_ADDRESS_ENV, "tcp://127.0.0.1:8786")
    runner = task_runner(Settings.resolve().dask_address)
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://127.0.0.1:8786"


def test_chunks_cover_every_text_once_in_order() -> None:
    from sentiment.flows.steps import chunk_bounds

    for n, size in [(0, 5), (1, 5), (10, 5), (11, 5), (7, 20)]:
        bounds = chunk_bounds(n, size)
        assert [i for a, b in bounds for i in range(a, b)] == list(range(n))
        assert all(0 < b - a <= size for a, b in bounds)
