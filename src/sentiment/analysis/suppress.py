"""Small-cell suppression with complementary suppression, for every table that leaves the warehouse.

A cell with n below the threshold is suppressed (primary). Where a published total has a
breakdown with exactly one suppressed cell, that cell could be recovered by subtraction
(total − the others, for n and for n × mean), so the next smallest cell of the breakdown is
suppressed too (complementary), repeated until no breakdown has exactly one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd


def suppress(table: pd.DataFrame, n_col: str, group_cols: Sequence[str],
             total_rows: str | None = "semua", *, threshold: int = 10,
             primary: pd.Series | None = None) -> pd.DataFrame:
    """Flag cells to withhold; returns a copy with `suppressed` (bool) and `suppression`.

    table: one row per cell; `group_cols` identify it. A row whose value in a group column
      equals `total_rows` is the total over that column (e.g. side = "semua"); its breakdown
      along that column is the rows equal in every other group column and not a total in it.
      Columns that are never a total (wave, topic) just separate breakdowns.
    total_rows: the marker of totals; None when the table publishes no totals (primary only).
    threshold: cells with `n_col` < threshold are suppressed.
    primary: extra cells to suppress regardless of n (e.g. suppressed in a linked table).
    `suppression` says why: "primary", "complementary" or None.
    """
    out = table.copy().reset_index(drop=True)
    group_cols = list(group_cols)
    reason: list[str | None] = [None] * len(out)
    below = (out[n_col].fillna(0) < threshold).to_numpy()
    extra = (primary.reset_index(drop=True).fillna(False).to_numpy(dtype=bool)
             if primary is not None else [False] * len(out))
    for i in range(len(out)):
        if below[i] or extra[i]:
            reason[i] = "primary"
    if total_rows is not None:
        _complement(out, n_col, group_cols, total_rows, reason)
    out["suppressed"] = [r is not None for r in reason]
    out["suppression"] = reason
    return out


def _breakdowns(table: pd.DataFrame, group_cols: list[str],
                total: str) -> list[tuple[int, list[int]]]:
    """(total row, its child rows) for every total row and every column it totals over."""
    keys = [tuple(row) for row in table[group_cols].astype(object).itertuples(index=False)]
    by_rest: dict[tuple[int, tuple], list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        for c, value in enumerate(key):
            if value != total:
                by_rest[(c, key[:c] + key[c + 1:])].append(i)
    pairs = []
    for i, key in enumerate(keys):
        for c, value in enumerate(key):
            if value == total:
                children = by_rest.get((c, key[:c] + key[c + 1:]), [])
                if children:
                    pairs.append((i, children))
    return pairs


def _complement(table: pd.DataFrame, n_col: str, group_cols: list[str], total: str,
                reason: list[str | None]) -> None:
    pairs = _breakdowns(table, group_cols, total)
    n = table[n_col].fillna(0).to_numpy()
    order_key = [tuple(str(v) for v in row) for row in
                 table[group_cols].astype(object).itertuples(index=False)]
    changed = True
    while changed:
        changed = False
        for parent, children in pairs:
            if reason[parent] is not None:
                continue
            hidden = [c for c in children if reason[c] is not None]
            if len(hidden) != 1:
                continue
            shown = [c for c in children if reason[c] is None]
            if shown:
                # The smallest remaining cell costs the least information; ties by name.
                pick = min(shown, key=lambda c: (n[c], order_key[c]))
                reason[pick] = "complementary"
            else:
                # The total equals its only child: it would reveal it, so it goes too.
                reason[parent] = "complementary"
            changed = True


def published(table: pd.DataFrame) -> pd.DataFrame:
    """Only the rows that may leave the warehouse (after `suppress`)."""
    return table[~table["suppressed"]].drop(columns=["suppressed", "suppression"])
