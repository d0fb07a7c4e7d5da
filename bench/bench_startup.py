"""Where a person waits: wall time of `make run` and of a one-file `sentiment ingest`.

Both commands run as subprocesses of the real CLI (the `sentiment` script of this
environment), each repeat into a fresh SQLite warehouse in a temporary folder; printed as
minimum and median of the repeats, with the child's peak RSS and the counts it loaded.

Usage: .venv/bin/python bench/bench_startup.py [--repeats 3] [--file NAME]
Method and figures: bench/README.md. Figures: bench/out/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out" / "startup.json"
EXPORTS = ROOT / "examples" / "exports"
ONE_FILE = "2025-05_orang_tua_odk.csv"  # 170 rows, one of the ~170-row sample files
BENCH_KEY = "kali-pasir-pulse-DEMO-KEY-not-for-real-data"  # the sample is fictional
COUNT_COLUMNS = ("rows_read", "rows_valid", "rows_quarantined", "rows_duplicate", "rows_loaded")


@dataclass
class Timing:
    """One command, repeated: wall seconds, CPU seconds (user + system) and peak RSS (MiB)
    of every repeat."""

    name: str
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def minimum(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def cli() -> str:
    """The `sentiment` console script of the environment running this bench."""
    script = Path(sys.executable).with_name("sentiment")
    if not script.is_file():
        raise SystemExit(f"{script}: not found; run `make install` first")
    return str(script)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               GX_ANALYTICS_ENABLED="false")
    env.setdefault("SENTIMENT_PSEUDONYM_KEY", BENCH_KEY)
    # A configured Prefect API would turn the run into flows against that server; a person's
    # local `make run` has none.
    for name in ("PREFECT_API_URL", "SENTIMENT_DB_URL"):
        env.pop(name, None)
    return env


def run_once(argv: list[str], log: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run of `argv` (output to `log`)."""
    actions = [(os.POSIX_SPAWN_OPEN, fd, str(log), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
               for fd in (1, 2)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, child_env(), file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)}: exit code {code}; see {log}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: KiB


def loaded_counts(db: Path) -> dict[str, int]:
    """Totals of the warehouse's ingest_batch rows, so repeats can be seen to agree."""
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT COUNT(*), " + ", ".join(f"SUM({c})" for c in COUNT_COLUMNS)
                           + " FROM ingest_batch").fetchone()
        quarantine = conn.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0]
    return {"files": row[0], **dict(zip(COUNT_COLUMNS, row[1:], strict=True)),
            "quarantine_rows": quarantine}


def measure(name: str, args: list[str], repeats: int, workdir: Path) -> Timing:
    timing = Timing(name, args)
    for i in range(repeats):
        run_dir = workdir / f"{name}-{i}"
        run_dir.mkdir()
        db = run_dir / "warehouse.db"
        argv = [cli(), *[a.format(db=db, dir=run_dir) for a in args]]
        seconds, cpu, rss = run_once(argv, run_dir / "output.txt")
        counts = loaded_counts(db)
        if timing.counts and counts != timing.counts:
            raise SystemExit(f"{name}: repeat {i + 1} loaded {counts}, not {timing.counts}")
        timing.counts = counts
        timing.seconds.append(seconds)
        timing.cpu_seconds.append(cpu)
        timing.peak_rss_mib.append(rss)
        print(f"  {name} #{i + 1}: {seconds:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss:.0f} MiB",
              flush=True)
    return timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--file", default=ONE_FILE, help=f"sample file to ingest alone (default {ONE_FILE})")
    args = parser.parse_args()
    os.chdir(ROOT)  # the commands as a person types them, from the project folder
    commands = {
        # `make run`, environment installed (the Makefile's own command and defaults)
        "make run": ["run", "examples/exports", "--db", "sqlite:///{db}", "--reports", "{dir}/reports"],
        "ingest one file": ["ingest", str(Path("examples/exports") / args.file), "--db", "sqlite:///{db}"],
    }
    print(f"Person-facing timings: {args.repeats} repeat(s) each, fresh SQLite warehouse per repeat")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        timings = [measure(name, argv, args.repeats, Path(tmp)) for name, argv in commands.items()]
    load = os.getloadavg()
    print()
    print("| command | wall min s | wall median s | CPU median s | peak RSS MiB (max) | "
          "files / rows read / loaded |")
    print("|---|---|---|---|---|---|")
    for t in timings:
        c = t.counts
        print(f"| {t.name} | {t.minimum:.2f} | {t.median:.2f} | "
              f"{statistics.median(t.cpu_seconds):.2f} | {max(t.peak_rss_mib):.0f} | "
              f"{c['files']} / {c['rows_read']} / {c['rows_loaded']} |")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} CPUs)")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average": load, "platform": platform.platform()},
        "file": args.file,
        "timings": [{**asdict(t), "min_seconds": t.minimum, "median_seconds": t.median}
                    for t in timings],
    }, indent=2))
    print(f"written: {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
