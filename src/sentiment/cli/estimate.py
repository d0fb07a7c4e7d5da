"""`sentiment estimate`: shares of each label corrected by a human-coded random subset
(prediction-powered inference), for data outside the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from sentiment.cli.options import QuietOption, err_console, guarded
from sentiment.errors import InputError

COLUMNS = ["by", "label", "estimate", "ci_low", "ci_high", "machine_share", "n_scored", "n_coded",
           "method"]


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the CSV: {str(exc).splitlines()[0]}") from None
    for column in columns:
        if column not in frame.columns:
            raise InputError(str(path), f"no column {column!r} (columns: {', '.join(frame.columns)})",
                             field=column)
    return frame


def estimate_frame(scores: pd.DataFrame, coded: pd.DataFrame, id_column: str, label_column: str,
                   by: str | None, alpha: float, coded_name: str = "coded") -> pd.DataFrame:
    """One row per group and label (see COLUMNS). Answers without a machine label (blank, or
    another language) are not scored and count nowhere, also when coded; a coded id missing
    from the scores file is an error."""
    from sentiment.analysis.ppi import ppi_share
    from sentiment.nlp.labels import LABEL_ALIASES, LABELS

    scored = scores[scores["sentiment"].str.strip() != ""]
    if scored[id_column].duplicated().any():
        raise InputError("scores", f"column {id_column!r} repeats an id: each answer once")
    human = coded[[id_column, label_column]].copy()
    human["human"] = human[label_column].str.strip().str.lower().map(LABEL_ALIASES)
    bad = human[human["human"].isna()]
    if len(bad):
        row = int(bad.index[0]) + 2  # the header is row 1
        raise InputError(coded_name, f"unknown label {bad[label_column].iloc[0]!r}; use "
                         "positif/netral/negatif", row=row, field=label_column)
    unknown = human[~human[id_column].isin(set(scores[id_column]))]
    if len(unknown):
        raise InputError(coded_name, f"id {unknown[id_column].iloc[0]!r} is not in the scores file",
                         row=int(unknown.index[0]) + 2, field=id_column)
    # coded answers the machine did not score (blank, another language) correct nothing
    joined = human[[id_column, "human"]].merge(
        scored[[id_column, "sentiment", *([by] if by else [])]], on=id_column, how="inner")
    groups = [("all", scored, joined)]
    if by:
        groups += [(str(g), part, joined[joined[by] == g]) for g, part in scored.groupby(by)]
    rows = []
    for name, part, sample in groups:
        for label in LABELS:
            if sample.empty:
                share = float((part["sentiment"] == label).mean())
                rows.append([name, label, None, None, None, share, len(part), 0, "uncorrected"])
                continue
            est = ppi_share(part["sentiment"].to_numpy(), sample["sentiment"].to_numpy(),
                            sample["human"].to_numpy(), label, alpha)
            rows.append([name, label, est.estimate, est.ci_low, est.ci_high, est.machine,
                         est.n_scored, est.n_coded, est.method])
    return pd.DataFrame(rows, columns=COLUMNS)


def estimate(
    scores: Annotated[Path, typer.Option("--scores", help="What `sentiment score` wrote: every answer.")],
    coded: Annotated[Path, typer.Option("--coded", help="Human labels of a random subset.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write.")],
    id_column: Annotated[str, typer.Option("--id-column", help="Joins the two files.")] = "id",
    label_column: Annotated[str, typer.Option("--label-column", help="Human label column.")] = "sentiment",
    by: Annotated[str | None, typer.Option("--by", help="Also per group of this column.")] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="1 - confidence of the intervals.")] = 0.05,
    quiet: QuietOption = False,
) -> None:
    """Share of each sentiment, corrected by a human-coded random subset, with intervals
    (prediction-powered inference; docs/method.md)."""
    with guarded():
        if not 0 < alpha < 1:
            raise InputError("--alpha", "must be between 0 and 1")
        machine = _read(scores, [id_column, "sentiment", *([by] if by else [])])
        human = _read(coded, [id_column, label_column])
        frame = estimate_frame(machine, human, id_column, label_column, by, alpha, str(coded))
        output.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(output, index=False)
    if quiet:
        return
    table = Table(title=f"Corrected shares ({1 - alpha:.0%} intervals) → {output}")
    for column in ("by", "label", "estimate", "interval", "machine", "n scored", "n coded", "method"):
        table.add_column(column, justify="left" if column in ("by", "label", "method") else "right")
    for r in frame.itertuples():
        interval = "–" if r.ci_low is None or pd.isna(r.ci_low) else f"{r.ci_low:.1%}–{r.ci_high:.1%}"
        value = "–" if r.estimate is None or pd.isna(r.estimate) else f"{r.estimate:.1%}"
        table.add_row(r.by, r.label, value, interval, f"{r.machine_share:.1%}", str(r.n_scored),
                      str(r.n_coded), r.method)
    err_console.print(table)


def register(app: typer.Typer) -> None:
    """Add `estimate` to the `sentiment` command."""
    app.command("estimate")(estimate)
