"""`sentiment estimate`: shares of each label corrected by a human-coded random subset
(prediction-powered inference), for data outside the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from sentiment.cli.options import QuietOption, SchemasOption, err_console, guarded
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


def _first_row(mask: pd.Series) -> int:
    """The file row of the first True in `mask` (index as read; the header is row 1)."""
    return int(mask[mask].index[0]) + 2


def _labels(values: pd.Series, name: str, column: str, what: str) -> pd.Series:
    """positif/netral/negatif from any spelling the project accepts; else one error line."""
    from sentiment.nlp.labels import LABEL_ALIASES

    labels = values.str.strip().str.lower().map(LABEL_ALIASES)
    bad = labels.isna()
    if bad.any():
        value = values[bad].iloc[0]
        message = (f"no {what} label (code it, or remove the row: skipping the hard answers "
                   "biases the estimate)" if not value.strip() else
                   f"unknown {what} label {value!r}; use positif/netral/negatif")
        raise InputError(name, message, row=_first_row(bad), field=column)
    return labels


def _unique_ids(frame: pd.DataFrame, name: str, id_column: str) -> None:
    repeated = frame[id_column].duplicated()
    if repeated.any():
        raise InputError(name, f"id {frame[id_column][repeated].iloc[0]!r} appears twice: each "
                         "answer once", row=_first_row(repeated), field=id_column)


def estimate_frame(scores: pd.DataFrame, coded: pd.DataFrame, id_column: str, label_column: str,
                   by: str | None, alpha: float, coded_name: str = "coded",
                   scores_name: str = "scores") -> pd.DataFrame:
    """One row per group and label (see COLUMNS). Answers without a machine label (blank, or
    another language) are outside the scored population: they count in no share, and a coded
    one is left out of the correction (the command prints how many). Every coded id must be in
    the scores file."""
    from sentiment.analysis.ppi import ppi_share
    from sentiment.nlp.labels import LABELS

    scores = scores.reset_index(drop=True).fillna("")
    coded = coded.reset_index(drop=True).fillna("")
    scores[id_column] = scores[id_column].str.strip()
    coded[id_column] = coded[id_column].str.strip()
    _unique_ids(scores, scores_name, id_column)
    is_scored = scores["sentiment"].str.strip() != ""
    if not is_scored.any():
        raise InputError(scores_name, "no answer has a sentiment: nothing to estimate",
                         field="sentiment")
    scored = scores[is_scored].copy()
    scored["sentiment"] = _labels(scored["sentiment"], scores_name, "sentiment", "machine")
    _unique_ids(coded, coded_name, id_column)
    unknown = ~coded[id_column].isin(set(scores[id_column]))
    if unknown.any():
        raise InputError(coded_name, f"id {coded[id_column][unknown].iloc[0]!r} is not in "
                         f"{scores_name}", row=_first_row(unknown), field=id_column)
    if by:
        scored[by] = scored[by].str.strip().replace("", "unknown")
    coded = coded[coded[id_column].isin(set(scored[id_column]))]
    human = coded[[id_column]].assign(human=_labels(coded[label_column], coded_name, label_column,
                                                    "human"))
    joined = human.merge(scored[[id_column, "sentiment", *([by] if by else [])]], on=id_column)
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
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Share of each sentiment, corrected by a human-coded random subset, with intervals
    (prediction-powered inference; docs/method.md)."""
    with guarded():
        if not 0 < alpha < 1:
            raise InputError("--alpha", "must be between 0 and 1")
        machine = _read(scores, [id_column, "sentiment", *([by] if by else [])])
        human = _read(coded, [id_column, label_column])
        frame = estimate_frame(machine, human, id_column, label_column, by, alpha, str(coded),
                               str(scores))
        output.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(output, index=False)
    _note_unscored(machine, human, id_column, scores)
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


def _note_unscored(machine: pd.DataFrame, human: pd.DataFrame, id_column: str,
                   scores: Path) -> None:
    """Never silent: how many answers had no sentiment and were left out (shown with --quiet)."""
    blank = machine["sentiment"].str.strip() == ""
    if not blank.any():
        return
    languages = ""
    if "language" in machine.columns:
        counts = machine.loc[blank, "language"].str.strip().replace("", "blank").value_counts()
        languages = " (" + ", ".join(f"{lang} {n}" for lang, n in counts.items()) + ")"
    left_out = int(human[id_column].str.strip().isin(set(machine.loc[blank, id_column].str.strip())).sum())
    err_console.print(f"note: {scores}: {int(blank.sum())} of {len(machine)} answers have no "
                      f"sentiment{languages} and count in no share; {left_out} of them coded, "
                      "left out of the correction", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `estimate` to the `sentiment` command."""
    app.command("estimate")(estimate)
