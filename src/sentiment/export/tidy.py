"""Tidy tables for export: the long view as read, one wide row per response, or the texts.

They come from the analyst views only (`v_responses_long`, `v_text_scores`); names, labels
and integer codes come from the codebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sentiment.errors import SentimentError
from sentiment.export.codebook import build_codebook, write_codebook
from sentiment.export.names import unique_name
from sentiment.export.writers import FORMATS, Table, write_table
from sentiment.query import responses_long, text_scores

# Columns of v_responses_long that describe the response, not one answer.
RESPONSE_COLUMNS = (
    "respondent_key", "wave_id", "form_id", "form_version", "respondent_group", "side", "area",
    "gender", "age_band",
)
ANSWER_COLUMNS = ("question_id", "question_label", "option", "value_num", "value_text",
                  "value_label")


def long_frame(
    db_url: str | None = None, wave: str | None = None, form_id: str | None = None
) -> pd.DataFrame:
    """`v_responses_long` rows (optionally one wave / one form); refuses an empty result."""
    long = responses_long(wave=wave, db_url=db_url, form_id=form_id)
    if long.empty:
        scope = " and ".join(
            part for part in (f"wave {wave}" if wave else "", f"form {form_id}" if form_id else "")
            if part
        )
        raise SentimentError(f"no responses in the warehouse{' for ' + scope if scope else ''}")
    return long


def _qualified(long: pd.DataFrame) -> pd.Series:
    """Warehouse question ids as `<form_id>.<question_id>`, whichever form the view uses."""
    qid = long["question_id"].astype(str)
    if "form_id" not in long:
        return qid
    bare = ~qid.str.contains(".", regex=False)
    return qid.where(~bare, long["form_id"].astype(str) + "." + qid)


def _response_key(long: pd.DataFrame) -> list[str]:
    if "response_id" in long:
        return ["response_id"]
    return [c for c in ("wave_id", "form_id", "form_version", "respondent_key") if c in long]


def _numeric(frame: pd.DataFrame) -> pd.Series:
    values = pd.to_numeric(frame["value_num"], errors="coerce")
    if "value_text" in frame:
        values = values.fillna(pd.to_numeric(frame["value_text"], errors="coerce"))
    return values


def _integral(values: pd.Series) -> pd.Series:
    """Whole numbers (Likert, counts) as nullable integers, so CSV shows 5, not 5.0."""
    present = values.dropna()
    if len(present) and (present % 1 == 0).all():
        return values.astype("Int64")
    return values


def _pivot(long: pd.DataFrame, values: pd.Series, columns: pd.Series) -> pd.DataFrame:
    """Response id × `columns` → first value (one groupby for all questions)."""
    frame = pd.DataFrame({"_rid": long["_rid"], "_col": columns, "_v": values})
    return frame.dropna(subset=["_col"]).groupby(["_rid", "_col"], sort=False)["_v"].first().unstack()


def _chosen_options(long: pd.DataFrame) -> pd.Series:
    chosen = long["option"] if "option" in long else pd.Series(None, index=long.index)
    return chosen.fillna(long["value_text"]).astype("str")


def wide_frame(long: pd.DataFrame, codebook: dict[str, Any] | None = None) -> Table:
    """One row per response, one column per question (per option for multi-choice).

    Columns follow the codebook's export variables (names valid in SPSS and Stata); only
    questions present in `long` get columns. PII questions are never written, even if a
    view carried one by mistake.
    """
    codebook = codebook or build_codebook()
    variables = codebook["export"]["variables"]
    pii = {q["question_id"] for q in codebook["questions"] if q["pii"]}
    versions = {q["question_id"]: set(q["versions"]) for q in codebook["questions"]}
    long = long.assign(_qid=_qualified(long))
    long = long[~long["_qid"].isin(pii)]
    key = _response_key(long)
    long = long.assign(_rid=long.groupby(key, sort=False, dropna=False).ngroup())
    responses = long.drop_duplicates("_rid").set_index("_rid").sort_index()
    index = responses.index
    present = set(long["_qid"])
    columns = sorted(present)
    numeric = _pivot(long, _numeric(long), long["_qid"]).reindex(index=index, columns=columns)
    text = _pivot(long, long["value_text"], long["_qid"]).reindex(index=index, columns=columns)
    kinds = {v["source"]: v["kind"] for v in variables if v["form_id"] is not None}
    multi = long[long["_qid"].map(kinds).eq("dummy")]
    picked = _pivot(multi, pd.Series(1, index=multi.index),
                    multi["_qid"] + "\x00" + _chosen_options(multi)).reindex(index)

    out: dict[str, pd.Series] = {}
    table = Table(pd.DataFrame())
    if "response_id" in long:
        out["response_id"] = responses["response_id"]
    for var in variables:
        name, source, kind = var["name"], var["source"], var["kind"]
        if var["form_id"] is None:  # a response-level column of the view
            if source not in responses:
                continue
            out[name] = responses[source]
        elif source not in present:
            continue
        elif kind == "dummy":
            column = f"{source}\x00{var['option']}"
            hit = picked[column] if column in picked else pd.Series(float("nan"), index=index)
            # Not asked in this form version: missing, not "not chosen".
            asked = _asked(responses, versions.get(source, set()), var["form_id"])
            out[name] = hit.fillna(0).astype("Int64").where(asked, pd.NA)
        elif kind == "numeric":
            out[name] = _integral(numeric[source])
        else:
            out[name] = text[source].astype("str")
        table.labels[name] = var["label"]
        labels = var["value_labels"]
        if kind == "categorical":
            table.codes[name] = {str(v["code"]): int(v["value"]) for v in labels}
            table.value_labels[name] = {int(v["value"]): v["label"] for v in labels}
        elif labels:
            table.value_labels[name] = {v["value"]: v["label"] for v in labels}

    _add_unknown(long, numeric, text, variables, out, table)
    frame = pd.DataFrame(out).reset_index(drop=True)
    for column in frame.columns:
        if column in table.codes or column in ("respondent_key", "form_version"):
            frame[column] = frame[column].astype("str")
    table.frame = frame
    return table


def _asked(responses: pd.DataFrame, versions: set[str], form_id: str) -> pd.Series:
    """True for responses whose form (and version, when known) includes the question."""
    if "form_id" not in responses:
        return pd.Series(True, index=responses.index)
    asked = responses["form_id"].astype(str) == form_id
    if "form_version" in responses and versions:
        asked &= responses["form_version"].astype(str).isin(versions)
    return asked


def _add_unknown(long: pd.DataFrame, numeric: pd.DataFrame, text: pd.DataFrame,
                 variables: list[dict[str, Any]], out: dict[str, pd.Series], table: Table) -> None:
    """Questions the codebook does not know (a newer warehouse): kept, named safely."""
    known = {v["source"] for v in variables}
    taken = {v["name"].lower() for v in variables} | {c.lower() for c in out}
    for qid in sorted(set(long["_qid"]) - known):
        name = unique_name(qid, taken)
        values = numeric[qid]
        out[name] = _integral(values) if values.notna().any() else text[qid].astype("str")
        labels = long.loc[long["_qid"] == qid, "question_label"] if "question_label" in long else None
        if labels is not None and labels.notna().any():
            table.labels[name] = str(labels.dropna().iloc[0])


def export_table(
    db_url: str | None = None,
    wave: str | None = None,
    form_id: str | None = None,
    shape: str = "wide",
    codebook: dict[str, Any] | None = None,
) -> Table:
    """The table to export: `wide`/`long` from `v_responses_long`, `texts` from `v_text_scores`."""
    if shape == "texts":
        texts = text_scores(wave=wave, db_url=db_url, form_id=form_id)
        if texts.empty:
            raise SentimentError("no free-text answers in the warehouse for this selection")
        return Table(texts.reset_index(drop=True), shape="texts")
    long = long_frame(db_url, wave=wave, form_id=form_id)
    if shape == "long":
        columns = [c for c in (*RESPONSE_COLUMNS, *ANSWER_COLUMNS) if c in long]
        columns += [c for c in long.columns if c not in columns]
        return Table(long[columns].reset_index(drop=True), shape="long")
    if shape != "wide":
        raise SentimentError(f"unknown shape {shape!r}: use wide, long or texts")
    return wide_frame(long, codebook)


def export_dataset(
    out: Path,
    fmt: str,
    db_url: str | None = None,
    wave: str | None = None,
    form_id: str | None = None,
    shape: str = "wide",
) -> dict[str, Any]:
    """Write the export and, next to it, codebook.json and codebook.md. Returns a summary."""

    if fmt not in FORMATS:
        raise SentimentError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    if shape != "wide" and fmt in ("sav", "dta"):
        raise SentimentError(f"--shape {shape} is for csv, parquet or xlsx; .sav/.dta are wide")
    codebook = build_codebook()
    table = export_table(db_url, wave=wave, form_id=form_id, shape=shape, codebook=codebook)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_table(table, out, fmt)
    json_path, md_path = write_codebook(out.parent, codebook)
    return {
        "path": out, "format": fmt, "shape": shape, "rows": len(table.frame),
        "columns": len(table.frame.columns), "codebook": [json_path, md_path],
    }
