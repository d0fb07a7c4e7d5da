"""Great Expectations: the suite generated from a form, and one run of it over a batch.

One ephemeral Data Context per process (never file-based, whatever `gx/` folder sits nearby),
one pandas batch definition, and one suite per form, built once and reused.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from sentiment.config import quiet_telemetry
from sentiment.forms.model import Form
from sentiment.validate.checks import ROW, Check, form_checks
from sentiment.validate.reference import load_areas

# Imported by GX at start-up only for expectations this suite never uses (the KL-divergence
# expectation's altair chart, its scipy.stats tests): ~0.5 s of every ingest's start. They
# load on first use instead, complete and unchanged (importlib.util.LazyLoader).
GX_DEFERRED = ("altair", "scipy.stats")


class _Deferring:
    """A meta path finder that hands out `LazyLoader` specs for a few top-level names."""

    def __init__(self, names: tuple[str, ...]):
        self.names = frozenset(names)

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in self.names:
            return None
        sys.meta_path.remove(self)  # the real finders, without this one
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


@contextmanager
def deferred_imports(*names: str) -> Iterator[None]:
    """While inside, importing one of `names` (not yet imported) binds a lazy module: its
    code runs on the first attribute access, wherever that happens later."""
    finder = _Deferring(tuple(n for n in names if n not in sys.modules))
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


quiet_telemetry()
with deferred_imports(*GX_DEFERRED):
    import great_expectations as gx  # noqa: E402  (telemetry must be off before the import)

# COMPLETE gives every failing row id. `_row` is the frame's named index, and with
# exclude_unexpected_values GX returns one list of ids per expectation and echoes no values:
# cheap (no per-row lookups) and nothing to leak. The query string is not needed.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": [ROW],
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
    "partial_unexpected_count": 0,
}
_LOCK = threading.Lock()  # GX keeps a process-wide "current context"; runs go one at a time


@dataclass
class SuiteRun:
    """What a run produced: failing row ids per check, and GX's counts (no values)."""

    failures: list[tuple[Check, list[int]]]
    statistics: dict[str, Any]
    result: Any = None  # the GX ExpectationSuiteValidationResult, for inspection in tests


def _expectation(check: Check, index: int) -> gx.expectations.Expectation:
    meta = {"field": check.field, "rule": check.rule, "check": index}
    if check.description:
        meta["description"] = check.description
    column, kind = check.column, check.gx_kind
    if kind == "not_null":
        return gx.expectations.ExpectColumnValuesToNotBeNull(column=column, meta=meta)
    if kind == "in_set":
        return gx.expectations.ExpectColumnValuesToBeInSet(
            column=column, value_set=check.params["value_set"], meta=meta
        )
    if kind == "regex":
        return gx.expectations.ExpectColumnValuesToMatchRegex(
            column=column, regex=check.params["regex"], meta=meta
        )
    if kind == "between":
        return gx.expectations.ExpectColumnValuesToBeBetween(
            column=column, meta=meta, **check.params
        )
    return gx.expectations.ExpectColumnValuesToBeInSet(column=column, value_set=[True], meta=meta)


def build_suite(form: Form) -> gx.ExpectationSuite:
    """The expectation suite for one form version, generated from its definition."""
    return _suite(form, form_checks(form, load_areas()))


def _suite(form: Form, checks: list[Check]) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=f"{form.key}.{_fingerprint(form, checks)}",
        expectations=[_expectation(c, i) for i, c in enumerate(checks)],
        meta={"form_id": form.form_id, "form_version": form.version},
    )


def _fingerprint(form: Form, checks: list[Check]) -> str:
    text = form.model_dump_json() + repr(checks)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _context() -> Any:
    """The process's ephemeral context and its single pandas batch definition."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    context = gx.get_context(mode="ephemeral")
    # tqdm bars on stderr would clutter `make run`; this is GX's own switch for them.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    # A disabled bar still starts tqdm's monitor thread, and a live thread keeps the scorer
    # from forking its workers (nlp._fork_context): tqdm's own switch turns the thread off.
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    asset = context.data_sources.add_pandas("sentiment").add_dataframe_asset("batch")
    return context, asset.add_batch_definition_whole_dataframe("whole")


@lru_cache(maxsize=32)
def _prepared_suite(
    form_json: str, areas_key: tuple[tuple[str, str], ...]
) -> tuple[Any, list[Check]]:
    form = Form.model_validate_json(form_json)
    context, _ = _context()
    # add_or_update: the name carries a content hash, so an entry evicted from this cache
    # and rebuilt replaces an identical suite.
    checks = form_checks(form, dict(areas_key))
    return context.suites.add_or_update(_suite(form, checks)), checks


def suite_for(form: Form) -> tuple[Any, list[Check]]:
    """The context-bound suite for a form and its checks (same order as the expectations)."""
    areas = tuple(sorted(load_areas().items()))
    return _prepared_suite(form.model_dump_json(), areas)


@contextmanager
def _configurations_built_once() -> Iterator[None]:
    """While inside, each expectation builds its `configuration` once, not on every read.

    GX 1.x rebuilds an expectation's `ExpectationConfiguration` from its pydantic fields on
    each access of the property (about 60 times per expectation per validation: ~40% of a
    small batch's validation time). The suite does not change during a run, so the first
    build serves the rest; outside this block GX behaves as shipped. Callers hold `_LOCK`.
    """
    from great_expectations.expectations.expectation import Expectation

    shipped = Expectation.__dict__["configuration"]
    built: dict[int, tuple[Any, Any]] = {}

    def configuration(self: Any) -> Any:
        entry = built.get(id(self))
        if entry is None or entry[0] is not self:
            entry = built[id(self)] = (self, shipped.fget(self))
        return entry[1]

    Expectation.configuration = property(configuration)  # type: ignore[method-assign]
    try:
        yield
    finally:
        Expectation.configuration = shipped  # type: ignore[method-assign]


def run_suite(form: Form, frame: pd.DataFrame) -> SuiteRun:
    """Validate `frame` (a `gx_frame`, indexed by `_row`) once with the form's suite."""
    with _LOCK:
        suite, checks = suite_for(form)
        _, batch_definition = _context()
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        with _configurations_built_once():
            result = batch.validate(suite, result_format=RESULT_FORMAT)
    failures: list[tuple[Check, list[int]]] = []
    for item in result.results:
        check = checks[int(item.expectation_config.meta["check"])]
        info = item.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(
                f"GX could not evaluate {item.expectation_config.type} on {check.column!r} "
                f"({check.field}/{check.rule}): {info.get('exception_message')}"
            )
        if not item.success:
            failures.append((check, _row_ids(item.result.get("unexpected_index_list") or [])))
    failures.sort(key=lambda pair: checks.index(pair[0]))
    return SuiteRun(failures, dict(result.statistics), result)


def _row_ids(index_list: list[Any]) -> list[int]:
    """Row ids from either shape GX returns: `[{"_row": [ids]}]` or `[{"_row": id}, ...]`."""
    ids: list[int] = []
    for entry in index_list:
        value = entry[ROW] if isinstance(entry, dict) else entry
        ids.extend(int(v) for v in (value if isinstance(value, list) else [value]))
    return ids
