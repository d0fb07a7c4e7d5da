"""Analysis: tension index, scale reliability, intervals, change and trend, small-cell suppression, alerts.

Pure functions over frames shaped like the warehouse views live in the submodules;
`compute_all` and `run_alerts` read and write the warehouse (docs/method.md has the formula).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "analyse", "compute_all", "evaluate_alerts", "load_alert_config", "load_index_config",
    "run_alerts", "send_alerts", "suppress",
]

if TYPE_CHECKING:
    from sentiment.analysis.alerts import evaluate_alerts, send_alerts
    from sentiment.analysis.compute import compute_all, run_alerts
    from sentiment.analysis.config import load_alert_config, load_index_config
    from sentiment.analysis.pipeline import analyse
    from sentiment.analysis.suppress import suppress

_WHERE = {
    "analyse": "pipeline", "compute_all": "compute", "run_alerts": "compute",
    "evaluate_alerts": "alerts", "send_alerts": "alerts", "suppress": "suppress",
    "load_index_config": "config", "load_alert_config": "config",
}


def __getattr__(name: str) -> Any:
    # Lazy: `import sentiment.analysis` stays cheap (scipy, SQLAlchemy load on first use).
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"sentiment.analysis.{_WHERE[name]}"), name)
    raise AttributeError(name)
