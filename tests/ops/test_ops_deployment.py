"""End to end like production: a real Prefect server on a free loopback port, `prefect deploy`
from prefect.yaml, a deployment run of `ingest-surveys/daily`, a process worker that runs it,
and the warehouse and inbox checked afterwards. Everything started is stopped, even on failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from ops_support import ROOT, free_port
from sample_paths import EXPORTS, TEST_KEY

pytestmark = pytest.mark.slow

PREFECT = str(Path(os.sys.executable).with_name("prefect"))
POOL = "kali-pasir-process"


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group (server + its children), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def _wait_healthy(api: str, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"prefect server not healthy after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def prefect_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A Prefect server of our own (home in tmp, analytics off), stopped afterwards."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_API_URL=api,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        # no scheduled runs of the four deployments: the run-once worker must pick ours only
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",
        PREFECT_LOGGING_LEVEL="INFO",
        DO_NOT_TRACK="1",
        GX_ANALYTICS_ENABLED="false",
    )
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_healthy(api, server, log)
        yield env
    finally:
        _stop(server)


def _cli(args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run([PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_daily_deployment_runs_on_a_worker(prefect_env: dict[str, str], tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sample = EXPORTS / "2025-02_remaja_gforms.csv"
    shutil.copy(sample, inbox / sample.name)
    (inbox / "2025-02_kosong.csv").write_text("a,b\n", encoding="utf-8")  # no data rows
    warehouse = tmp_path / "warehouse.db"
    # the worker's environment, as on a production machine: no secret in prefect.yaml
    worker_env = {**prefect_env, "SENTIMENT_PROJECT_DIR": str(ROOT),
                  "SENTIMENT_DB_URL": f"sqlite:///{warehouse}",
                  "SENTIMENT_PSEUDONYM_KEY": TEST_KEY.decode()}

    _cli(["work-pool", "create", POOL, "--type", "process"], prefect_env)
    deployed = _cli(["--no-prompt", "deploy", "--all"], prefect_env)
    assert "ingest-surveys/daily" in deployed

    with temporary_settings(updates={PREFECT_API_URL: prefect_env["PREFECT_API_URL"]}):
        flow_run = run_deployment("ingest-surveys/daily", parameters={"source": str(inbox)},
                                  timeout=0)
        worker_log = tmp_path / "worker.log"
        with open(worker_log, "w") as out:
            worker = subprocess.Popen(
                [PREFECT, "worker", "start", "--pool", POOL, "--run-once"],
                env=worker_env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            worker.wait(timeout=240)
        finally:
            _stop(worker)

        async def read_back():
            async with get_client() as client:
                deployment = await client.read_deployment_by_name("ingest-surveys/daily")
                return deployment, (await client.read_flow_run(flow_run.id)).state

        from prefect.utilities.asyncutils import run_coro_as_sync

        deployment, state = run_coro_as_sync(read_back())
    assert deployment.work_pool_name == POOL
    schedule = deployment.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 6 * * *", "Asia/Jakarta")
    assert state is not None and state.type == StateType.COMPLETED, (
        f"{state}\n{worker_log.read_text()[-4000:]}")

    engine = sa.create_engine(f"sqlite:///{warehouse}")
    try:
        with engine.connect() as conn:
            responses = conn.execute(sa.text("SELECT COUNT(*) FROM fact_response")).scalar_one()
            batches = conn.execute(sa.text(
                "SELECT source_file, flow_run_id FROM ingest_batch")).all()
            index_rows = conn.execute(sa.text("SELECT COUNT(*) FROM tension_index")).scalar_one()
    finally:
        engine.dispose()
    assert responses > 0
    assert batches == [(sample.name, str(flow_run.id))]  # loaded by the deployment run
    assert index_rows > 0  # tension-index ran chained after the ingest
    # the inbox is empty again: the good file archived by hash, the empty one rejected
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == []
    archived = [p.name for p in (inbox / "archive").iterdir() if p.name != "manifest.tsv"]
    assert len(archived) == 1 and archived[0].endswith(".csv") and len(archived[0]) == 64 + 4
    reason = (inbox / "rejected" / "2025-02_kosong.csv.reason.txt").read_text()
    assert "no data rows" in reason
    assert TEST_KEY.decode() not in worker_log.read_text()
