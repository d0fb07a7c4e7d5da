"""CLI commands for the trained scorer and the human coding loop: train, coding …, topics discover."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sentiment.cli.options import DbOption, QuietOption, SchemasOption, console, guarded


def _engine(db: str | None, migrate: bool = False):
    """The warehouse engine; `migrate` brings the schema to the newest revision (adds `coding`)."""
    from sentiment.settings import resolve_db_url
    from sentiment.warehouse.db import ensure_schema, get_engine

    engine = get_engine(resolve_db_url(db))
    if migrate:
        ensure_schema(engine)
    return engine


def train(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the model into.")],
    schemas: SchemasOption = None,
    data: Annotated[Path | None, typer.Option("--data", help="Labelled CSV/XLSX file.")] = None,
    text_column: Annotated[str, typer.Option("--text-column")] = "text",
    label_column: Annotated[str, typer.Option("--label-column")] = "label",
    include_corpus: Annotated[bool, typer.Option(
        "--include-corpus/--no-include-corpus",
        help="Also train on the shipped labelled corpus of survey-style answers.")] = True,
    from_coding: Annotated[str | None, typer.Option(
        "--from-coding", help="Warehouse URL: add human-coded answers from its coding table.")] = None,
    user_weight: Annotated[float | None, typer.Option(
        "--user-weight", help="Sample weight of your rows (default: they weigh as much as the corpus).")] = None,
    cv_folds: Annotated[int, typer.Option("--cv-folds", help="Folds for the reported CV metrics (0: skip).")] = 5,
    quiet: QuietOption = False,
) -> None:
    """Train the sentiment model (labels positif/netral/negatif or positive/neutral/negative)."""
    from sentiment.nlp.coding import record_training
    from sentiment.nlp.train import coded_answers, read_labelled, train_and_save

    with guarded():
        frame = read_labelled(data, text_column, label_column) if data else None
        coded = coded_answers(from_coding) if from_coding else None
        texts = None if coded is None else coded[["text", "label"]]
        if not quiet:
            with console.status("Training (features, cross-validation, final fit)…"):
                model = train_and_save(out, frame, include_corpus, texts,
                                       user_weight=user_weight, cv_folds=cv_folds)
        else:
            model = train_and_save(out, frame, include_corpus, texts,
                                   user_weight=user_weight, cv_folds=cv_folds)
        if coded is not None and from_coding:
            # these answers trained the model: the analysis leaves them out of the correction
            recorded = record_training(from_coding, coded["text_id"].tolist(), model.version)
            console.print(f"{len(coded)} coded answers trained {model.version} ({recorded} newly "
                          "recorded in coding_training): they are left out of the correction "
                          "of text figures; run `sentiment index` to recompute", highlight=False)
    if quiet:
        return
    meta = model.metadata
    table = Table(title=f"Model {model.version}")
    table.add_column("item")
    table.add_column("value", justify="right")
    table.add_row("rows", str(meta["n_rows"]))
    for label, count in meta["class_counts"].items():
        table.add_row(f"  {label}", str(count))
    cv = meta.get("cv", {})
    if cv.get("folds"):
        table.add_row(f"CV macro-F1 ({cv['folds']}-fold)", f"{cv['macro_f1']:.3f} ± {cv['macro_f1_std']:.3f}")
        table.add_row("CV accuracy", f"{cv['accuracy']:.3f}")
        if "focus_macro_f1" in cv:
            table.add_row("CV macro-F1 on your rows", f"{cv['focus_macro_f1']:.3f}")
    table.add_row("saved to", str(out))
    console.print(table)


coding_app = typer.Typer(help="Human coding of free-text answers: export, import, agreement.",
                         no_args_is_help=True)
topics_app = typer.Typer(help="Topics in free-text answers.", no_args_is_help=True)


@coding_app.command("export")
def coding_export(
    wave: Annotated[str, typer.Option("--wave", help="Wave id, e.g. 2024-11.")],
    out: Annotated[Path, typer.Option("--out", help="CSV or XLSX file for coders.")],
    n: Annotated[int, typer.Option("--n", help="Answers in the sample.")] = 200,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    db: DbOption = None,
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Write a stratified sample of redacted answers (side × group × machine sentiment) to code."""
    from sentiment.nlp.coding import export_sample

    with guarded():
        count = export_sample(_engine(db), wave, n, seed, out)
    if not quiet:
        console.print(f"{count} answers → {out}  (fill the 'label' and 'topics' columns)")


@coding_app.command("sample")
def coding_sample(
    wave: Annotated[str, typer.Option("--wave", help="Wave id, e.g. 2024-11.")],
    out: Annotated[Path, typer.Option("--out", help="CSV or XLSX file for coders.")],
    n: Annotated[int, typer.Option("--n", help="Respondents in the sample.")] = 50,
    by: Annotated[str, typer.Option(
        "--by", help="Strata, comma-separated: side, respondent_group (empty: simple random).")] = "",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    db: DbOption = None,
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """All scored answers of a random sample of respondents, for coders, without the machine's
    labels: the sample that `sentiment estimate` needs to correct the machine's figures."""
    from sentiment.nlp.coding import export_respondent_sample

    strata = [c.strip() for c in by.split(",") if c.strip()]
    with guarded():
        people, answers = export_respondent_sample(_engine(db), wave, n, seed, strata, out)
    if not quiet:
        console.print(f"{people} respondents, {answers} answers → {out}  (fill the 'label' "
                      f"column; seed {seed}, strata {', '.join(strata) or 'none'})")


@coding_app.command("import")
def coding_import(
    input: Annotated[Path, typer.Option("--input", help="Coded CSV/XLSX file.")],
    coder: Annotated[str, typer.Option("--coder", help="Coder's name or initials.")],
    db: DbOption = None,
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Load a coder's labels into the warehouse `coding` table."""
    from sentiment.nlp.coding import import_codes

    with guarded():
        count = import_codes(_engine(db, migrate=True), input, coder)
    if not quiet:
        console.print(f"{count} codes by {coder} loaded from {input.name}")


@coding_app.command("agreement")
def coding_agreement(db: DbOption = None, schemas: SchemasOption = None,
                     quiet: QuietOption = False) -> None:
    """Agreement between coders (Cohen's kappa, Krippendorff's alpha) and with the machine."""
    from sentiment.nlp.coding import agreement

    with guarded():
        report = agreement(_engine(db))
    if quiet:
        return
    table = Table(title="Agreement on sentiment labels")
    for col in ("pair", "n", "kappa"):
        table.add_column(col, justify="left" if col == "pair" else "right")
    for row in report.pairs:
        kappa = "–" if row["kappa"] is None else f"{row['kappa']:.3f}"
        table.add_row(f"{row['a']} × {row['b']}", str(row["n"]), kappa)
    console.print(table)
    alpha = "–" if report.alpha is None else f"{report.alpha:.3f}"
    console.print(f"Krippendorff's alpha (nominal, {report.n_coders} coders, "
                  f"{report.n_units} answers): {alpha}")


@topics_app.command("discover")
def topics_discover(
    wave: Annotated[str, typer.Option("--wave", help="Wave id, e.g. 2024-11.")],
    k: Annotated[int, typer.Option("--k", help="Number of themes.")] = 8,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    db: DbOption = None,
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Emerging themes in one wave's answers (NMF), with top terms and two example answers."""
    from sentiment.nlp.coding import wave_texts
    from sentiment.nlp.discover import discover_topics

    with guarded():
        texts = wave_texts(_engine(db), wave)["text"].tolist()
        themes = discover_topics(texts, k=k, seed=seed)
    if quiet:
        return
    table = Table(title=f"Themes in wave {wave} ({len(texts)} answers)", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("answers", justify="right")
    table.add_column("top terms")
    table.add_column("examples (redacted)")
    for theme in themes:
        table.add_row(str(theme.index), str(theme.size), ", ".join(theme.terms),
                      "\n".join(f"• {e}" for e in theme.examples))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Mount `train`, `coding export|import|agreement` and `topics discover` on the main app."""
    app.command("train")(train)
    app.add_typer(coding_app, name="coding")
    app.add_typer(topics_app, name="topics")
