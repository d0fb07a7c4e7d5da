"""End-to-end ingest throughput: synthetic exports through read → validate → protect → score → load.

Usage: .venv/bin/python bench/bench_pipeline.py [--sizes 10000 100000] [--db sqlite postgresql]
       [--format kobo_csv] [--quick]. Method and caveats: bench/README.md. Figures: bench/out/pipeline.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

for _name, _value in (("PREFECT_SERVER_ANALYTICS_ENABLED", "false"), ("DO_NOT_TRACK", "1"),
                      ("GX_ANALYTICS_ENABLED", "false")):
    os.environ.setdefault(_name, _value)
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))  # devkit/

BENCH_KEY = b"kali-pasir-pulse-BENCH-key-not-for-real-data"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OUT = Path(__file__).resolve().parent / "out" / "pipeline.json"
STAGES = ("read", "validate", "protect", "score", "load")
FORM_ID, WAVE_ID, SEED = "remaja", "2025-08", 7
# 100k Kobo CSV rows are ~54 MB, above the reader's 50 MB default; the bench measures speed, not the guard.
MAX_FILE_BYTES = 2 * 1024**3


@dataclass
class StageFigure:
    """One stage of one run: wall seconds and memory (MiB)."""

    stage: str
    seconds: float
    rss_start_mib: float  # resident set when the stage began
    peak_rss_mib: float  # highest resident set during the stage
    peak_growth_mib: float  # peak − start: what the stage itself needed at most


@dataclass
class RunFigures:
    """One size on one database, measured in a fresh process."""

    size: int
    db: str
    memory_method: str = ""
    stages: list[StageFigure] = field(default_factory=list)
    setup_seconds: float = 0.0  # migrations + dimension sync; not part of end-to-end
    lock_wait_seconds: float = 0.0  # waiting for other loaders' PostgreSQL lock; not counted
    counts: dict[str, int] = field(default_factory=dict)
    children_peak_rss_mib: float = 0.0  # forked NLP scoring workers, if any
    load_average: list[float] = field(default_factory=list)
    # score_texts forks workers only when no other thread runs; these names explain why it did not
    threads_before_score: list[str] = field(default_factory=list)


STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mib(name: str) -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise KeyError(name)


def _maxrss_mib(who: int = resource.RUSAGE_SELF) -> float:
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale / 2**20


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS; False where unsupported."""
    try:
        CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def memory_method() -> str:
    if STATUS.exists() and reset_peak():
        return "VmHWM per stage (reset through /proc/self/clear_refs)"
    return "ru_maxrss (process high-water mark so far; stages below an earlier peak show 0 growth)"


def timed(figures: RunFigures, stage: str, work: Callable[[], Any]) -> Any:
    """Run one stage and record its seconds and memory figures."""
    per_stage = figures.memory_method.startswith("VmHWM")
    if per_stage:
        reset_peak()
        start_rss = _status_mib("VmRSS")
    else:
        start_rss = _maxrss_mib()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = _status_mib("VmHWM") if per_stage else _maxrss_mib()
    figures.stages.append(StageFigure(stage, seconds, start_rss, peak, max(0.0, peak - start_rss)))
    return result


# --- worker: one file into one database, in its own process -------------------------------------


def wait_for_other_loaders(engine: Any) -> float:
    """Seconds spent waiting for the loaders' PostgreSQL advisory lock, taken and released here.

    The lock is server-wide, not per schema, so loads into other schemas on the same server
    (tests, other benchmarks) would otherwise count as our load time.
    """
    import sqlalchemy as sa

    from sentiment.warehouse.load import _LOAD_LOCK_ID

    if engine.dialect.name != "postgresql":
        return 0.0
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOAD_LOCK_ID})
    return time.perf_counter() - start


STEP_STAGES = {"read-export": "read", "validate": "validate", "protect": "protect",
               "score": "score", "load": "load"}


def run_stages(path: Path, url: str, db_label: str, size: int, key: bytes) -> RunFigures:
    """`sentiment.flows.steps.ingest_one` (the function production runs), each step timed."""
    from sentiment.flows import steps
    from sentiment.settings import Settings

    figures = RunFigures(size=size, db=db_label, memory_method=memory_method())
    settings = Settings.resolve(url, key=key)
    settings = dataclasses.replace(settings, max_file_bytes=MAX_FILE_BYTES)

    class TimedRun(steps.Run):
        """Times every step of the one sequence; waits for other loaders before the load."""

        def step(self, name, fn, /, *args, **kwargs):
            stage = STEP_STAGES.get(name)
            if stage is None:
                return fn(*args, **kwargs)
            if stage == "score":
                figures.threads_before_score = sorted(t.name for t in threading.enumerate())
            if stage == "load":
                figures.lock_wait_seconds = wait_for_other_loaders(warehouse.engine)
            return timed(figures, stage, lambda: fn(*args, **kwargs))

    run = TimedRun()
    start = time.perf_counter()
    warehouse = steps.prepare(settings, run)
    figures.setup_seconds = time.perf_counter() - start
    summary = steps.ingest_one(path, settings, run, warehouse)
    if str(summary.get("status", "")).startswith("failed"):
        raise SystemExit(f"bench input not loaded: {summary['status']}")
    warehouse.engine.dispose()
    figures.counts = {k: int(summary[k]) for k in steps.COUNTS}
    figures.counts.update(_stored_counts(url))
    figures.children_peak_rss_mib = _maxrss_mib(resource.RUSAGE_CHILDREN)
    figures.load_average = [round(x, 2) for x in os.getloadavg()]
    return figures


def _stored_counts(url: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        texts = conn.execute(sa.text("SELECT COUNT(*) FROM fact_text_score")).scalar_one()
        answers = conn.execute(sa.text("SELECT COUNT(*) FROM fact_answer")).scalar_one()
    engine.dispose()
    return {"texts": int(texts), "answers": int(answers)}


def worker_main(args: argparse.Namespace) -> None:
    figures = run_stages(Path(args.file), args.url, args.db_label, args.size, _key())
    Path(args.result).write_text(json.dumps(asdict(figures)))


# --- parent: generate, spawn one worker per size × database, report ------------------------------


def _key() -> bytes:
    env = os.environ.get("SENTIMENT_PSEUDONYM_KEY")
    return env.encode() if env else BENCH_KEY


def generate(size: int, out_dir: Path, fmt: str) -> tuple[Path, float]:
    """One synthetic export of `size` youth responses (the sample's distributions, 3 % invalid)."""
    from devkit.synthetic import generate_responses
    from devkit.writers import write_export
    from sentiment.forms import load_registry

    start = time.perf_counter()
    form = load_registry().get(FORM_ID)
    # Every answer freshly written (no pool of repeated variants): repeated texts would
    # flatter the scorer's answer memo, real answers rarely repeat.
    frame = generate_responses(size, SEED, form_id=FORM_ID, wave_id=WAVE_ID, text_variants=0)
    suffix = {"xlsx": ".xlsx", "kobo_json": ".json"}.get(fmt, ".csv")
    path = write_export(frame, form, out_dir / f"{WAVE_ID}_{FORM_ID}_bench_{size}{suffix}", fmt)
    return path, time.perf_counter() - start


def pg_schema() -> tuple[str, Any, str] | None:
    """A throwaway schema on the test server: (url with search_path, admin engine, schema)."""
    import sqlalchemy as sa

    base = os.environ.get("SENTIMENT_TEST_PG_URL", PG_DEFAULT)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem means "skip PostgreSQL"
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return None
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", admin, schema


def drop_schema(admin: Any, schema: str) -> None:
    import sqlalchemy as sa

    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def spawn(path: Path, url: str, db_label: str, size: int, tmp: Path) -> RunFigures | None:
    """Run the stages in a fresh interpreter so each run's memory high-water mark is its own."""
    result = tmp / f"result_{size}_{db_label}.json"
    cmd = [sys.executable, __file__, "--worker", "--file", str(path), "--url", url,
           "--db-label", db_label, "--size", str(size), "--result", str(result)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not result.exists():
        print(f"{db_label} {size}: worker failed (exit {done.returncode})\n{done.stderr[-3000:]}")
        return None
    data = json.loads(result.read_text())
    data["stages"] = [StageFigure(**s) for s in data["stages"]]
    return RunFigures(**data)


def run_one(path: Path, db_label: str, size: int, tmp: Path) -> RunFigures | None:
    if db_label == "sqlite":
        db_file = tmp / f"bench_{size}.db"
        try:
            return spawn(path, f"sqlite:///{db_file}", db_label, size, tmp)
        finally:
            for leftover in tmp.glob(f"bench_{size}.db*"):
                leftover.unlink()
    pg = pg_schema()
    if pg is None:
        return None
    url, admin, schema = pg
    try:
        return spawn(path, url, db_label, size, tmp)
    finally:
        drop_schema(admin, schema)


def end_to_end(run: RunFigures) -> float:
    return sum(s.seconds for s in run.stages)


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}" if seconds > 0 else "-"


def print_tables(size: int, runs: list[RunFigures], generation_seconds: float) -> None:
    """One rich table per size: each stage's seconds, responses/s and memory, per database."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{size:,} synthetic responses (generated in {generation_seconds:.1f} s, not counted)")
    for name in ("db", "stage", "seconds", "responses/s", "peak RSS MiB", "+MiB"):
        table.add_column(name, justify="left" if name in ("db", "stage") else "right")
    for run in runs:
        for s in run.stages:
            table.add_row(run.db, s.stage, f"{s.seconds:.2f}", _rate(size, s.seconds),
                          f"{s.peak_rss_mib:,.0f}", f"{s.peak_growth_mib:,.0f}")
        total = end_to_end(run)
        table.add_row(run.db, "[bold]end to end[/bold]", f"[bold]{total:.2f}[/bold]",
                      f"[bold]{_rate(size, total)}[/bold]",
                      f"{max(s.peak_rss_mib for s in run.stages):,.0f}", "")
        table.add_row(run.db, "db setup (not counted)", f"{run.setup_seconds:.2f}", "", "", "",
                      end_section=run.db != "postgresql")
        if run.db == "postgresql":
            table.add_row(run.db, "lock wait (not counted)", f"{run.lock_wait_seconds:.2f}", "", "", "",
                          end_section=True)
    console = Console()
    console.print(table)
    for run in runs:
        c = run.counts
        console.print(f"  {run.db}: read {c['read']}, valid {c['valid']}, quarantined {c['quarantined']}, "
                      f"loaded {c['loaded']}, answers {c['answers']}, texts {c['texts']}; "
                      f"scoring workers' peak RSS {run.children_peak_rss_mib:,.0f} MiB; "
                      f"load average at end {run.load_average}")
        if len(run.threads_before_score) > 1:
            console.print(f"  {run.db}: scoring ran in one process: other threads were alive "
                          f"({', '.join(run.threads_before_score)})")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--format", default="kobo_csv",
                        choices=("kobo_csv", "odk_csv", "gforms_csv", "xlsx", "kobo_json"))
    parser.add_argument("--quick", action="store_true", help="1,000 responses only (smoke run)")
    parser.add_argument("--out", type=Path, default=OUT)
    # internal: one measured run in a fresh process
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db-label", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [1_000]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker_main(args)
        return
    report: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
        "method": "wall seconds per stage in a fresh process per size and database; memory: peak "
                  "resident set during each stage and its growth over the stage's start (see "
                  "bench/README.md and memory_method per run)",
        "form": FORM_ID, "wave": WAVE_ID, "format": args.format, "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as tmp_name:
        tmp = Path(tmp_name)
        for size in args.sizes:
            path, generation = generate(size, tmp, args.format)
            file_bytes = path.stat().st_size
            print(f"generated {size:,} responses → {path.name} "
                  f"({file_bytes / 1e6:.1f} MB) in {generation:.1f} s", flush=True)
            runs = [run for db_label in args.db if (run := run_one(path, db_label, size, tmp)) is not None]
            path.unlink()
            if runs:
                print_tables(size, runs, generation)
            report["sizes"][str(size)] = {
                "generation_seconds": round(generation, 2),
                "file_bytes": file_bytes,
                "runs": {run.db: {**asdict(run), "end_to_end_seconds": round(end_to_end(run), 3),
                                  "end_to_end_responses_per_second": round(size / end_to_end(run), 1)}
                         for run in runs},
            }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
