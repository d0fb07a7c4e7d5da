"""`sentiment score` and `sentiment eval`: score a CSV of answers, or measure against labels."""

from __future__ import annotations

import re
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from sentiment.cli.options import QuietOption, SchemasOption, console, guarded
from sentiment.errors import SentimentError
from sentiment.nlp.labels import LABEL_ALIASES, LABELS
from sentiment.settings import resolve_scorer

LABEL_ORDER = list(LABELS)
_TOPIC_SPLIT = re.compile(r"[|;,]")


def read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """Read a CSV as text columns; name the file and the missing column on error."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError as exc:
        raise SentimentError(f"{path}: file not found") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SentimentError(f"{path}: not a readable CSV ({exc})") from exc
    for column in columns:
        if column not in frame.columns:
            found = ", ".join(map(str, frame.columns))
            raise SentimentError(f"{path}: column {column!r} not found (columns: {found})")
    return frame


def canonical_labels(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Map Indonesian or English sentiment labels to positif/netral/negatif."""
    mapped = values.astype(str).str.strip().str.lower().map(LABEL_ALIASES)
    bad = values[mapped.isna() & values.notna()]
    if len(bad):
        row = int(bad.index[0]) + 2  # header is row 1
        raise SentimentError(
            f"{path}, row {row}, field {column!r}: unknown label {bad.iloc[0]!r} "
            "(use positif/netral/negatif or positive/neutral/negative)"
        )
    return mapped


def split_topics(value: object) -> list[str]:
    """Topic codes from a cell: codes joined by '|' (also ';' or ',')."""
    if not isinstance(value, str):
        return []
    return [p.strip() for p in _TOPIC_SPLIT.split(value) if p.strip()]


def sentiment_report(gold: list[str], pred: list[str]) -> dict[str, object]:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix."""
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    precision, recall, f1, support = precision_recall_fscore_support(
        gold, pred, labels=LABEL_ORDER, zero_division=0
    )
    return {
        "accuracy": accuracy_score(gold, pred),
        "macro_f1": f1_score(gold, pred, labels=LABEL_ORDER, average="macro", zero_division=0),
        "per_class": {
            label: (precision[i], recall[i], f1[i], int(support[i]))
            for i, label in enumerate(LABEL_ORDER)
        },
        "confusion": confusion_matrix(gold, pred, labels=LABEL_ORDER),
    }


def topic_report(gold: list[list[str]], pred: list[list[str]], codes: list[str]) -> dict[str, float]:
    """Micro and macro F1 of multi-label topic codes."""
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    binarizer = MultiLabelBinarizer(classes=codes)
    y_true = binarizer.fit_transform(gold)
    y_pred = binarizer.transform(pred)
    return {
        "micro_f1": f1_score(y_true, y_pred, average="micro", zero_division=0),
        "macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0),
    }


InputOption = Annotated[Path, typer.Option("--input", "-i", help="CSV file with the answers.")]
TextColumn = Annotated[str, typer.Option("--text-column", help="Column holding the text.")]
ScorerOption = Annotated[str | None, typer.Option(
    "--scorer", help="model (default: the shipped model) or lexicon (the rules alone); --model DIR implies model.")]
ModelOption = Annotated[Path | None, typer.Option(
    "--model", help="Trained model folder (implies --scorer model).")]


def score(
    input: InputOption,
    text_column: TextColumn,
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write.")],
    scorer: ScorerOption = None,
    model: ModelOption = None,
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Score free-text answers: sentiment, score, topics (joined by |) and topic scores."""
    from sentiment.nlp import score_texts

    with guarded():
        scorer, model = resolve_scorer(scorer, model)
        frame = read_csv(input, [text_column])
        with console.status("Menilai jawaban…", spinner="dots") if not quiet else nullcontext():
            scored = score_texts(frame[text_column].tolist(), scorer=scorer, model_path=model)
    out = frame.copy()
    for column in ("sentiment", "sentiment_score", "topics", "topic_scores", "language"):
        out[column] = scored[column].to_numpy()
    output.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(output, index=False)
    if quiet:
        return
    table = Table(title=f"{len(out)} answers, scorer {scorer}")
    table.add_column("sentiment")
    table.add_column("answers", justify="right")
    blank = scored["language"].isna()
    other = scored["sentiment"].isna() & ~blank  # another language, or declared none
    counts = scored["sentiment"].where(~blank, "(kosong)").where(~other, "(tidak dinilai)")
    counts = counts.value_counts()
    for label in [*LABEL_ORDER, "(tidak dinilai)", "(kosong)"]:
        if counts.get(label):
            table.add_row(label, str(int(counts[label])))
    console.print(table)
    console.print(f"written: {output}", highlight=False, soft_wrap=True)

def evaluate(
    input: InputOption,
    text_column: TextColumn,
    label_column: Annotated[str, typer.Option("--label-column", help="Sentiment label column.")],
    topics_column: Annotated[str | None, typer.Option(
    "--topics-column", help="Column with gold topic codes joined by |.")] = None,
    scorer: ScorerOption = None,
    model: ModelOption = None,
    schemas: SchemasOption = None,
) -> None:
    """Measure a scorer on labelled answers: accuracy, macro-F1, confusion, topic F1."""
    from sentiment.nlp import score_texts
    from sentiment.nlp.topics import codebook

    with guarded():
        scorer, model = resolve_scorer(scorer, model)
        columns = [text_column, label_column] + ([topics_column] if topics_column else [])
        frame = read_csv(input, columns)
        frame = frame[frame[label_column].notna()].reset_index(drop=True)
        gold = canonical_labels(frame[label_column], input, label_column)
        scored = score_texts(frame[text_column].tolist(), scorer=scorer, model_path=model)
    pred = scored["sentiment"].fillna("netral").tolist()
    report = sentiment_report(gold.tolist(), pred)
    summary = Table(title=f"{input.name}: {len(frame)} answers, scorer {scorer}")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    summary.add_row("accuracy", f"{report['accuracy']:.3f}")
    summary.add_row("macro-F1", f"{report['macro_f1']:.3f}")
    per_class = Table(title="Per class")
    for name in ("class", "precision", "recall", "F1", "support"):
        per_class.add_column(name, justify="right" if name != "class" else "left")
    for label, (p, r, f, s) in report["per_class"].items():
        per_class.add_row(label, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", str(s))
    confusion = Table(title="Confusion matrix (rows gold, columns predicted)")
    confusion.add_column("gold \\ pred")
    for label in LABEL_ORDER:
        confusion.add_column(label, justify="right")
    for label, row in zip(LABEL_ORDER, report["confusion"], strict=True):
        confusion.add_row(label, *(str(int(v)) for v in row))
    console.print(summary)
    console.print(per_class)
    console.print(confusion)
    if topics_column:
        codes = list(codebook().codes)
        gold_topics = [split_topics(v) for v in frame[topics_column]]
        pred_topics = [split_topics(v) for v in scored["topics"]]
        unknown = sorted({c for row in gold_topics for c in row} - set(codes))
        topics = topic_report(gold_topics, pred_topics, codes)
        table = Table(title="Topics")
        table.add_column("metric")
        table.add_column("value", justify="right")
        table.add_row("micro-F1", f"{topics['micro_f1']:.3f}")
        table.add_row("macro-F1", f"{topics['macro_f1']:.3f}")
        console.print(table)
        if unknown:
            console.print(f"[yellow]gold codes not in the codebook:[/yellow] {', '.join(unknown)}")


def register(app: typer.Typer) -> None:
    """Add `score` and `eval` to the `sentiment` command."""
    app.command("score")(score)
    app.command("eval")(evaluate)
