"""Reads landing CSV files into typed frames and finds the rows that break the data contract.

Plain pandas, no Dagster: the raw assets report these issues as asset checks, and training
uses the same rules to leave out cohorts whose files are bad.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cookie_assets.contract import (
    BOX_COLUMNS,
    CATEGORIES,
    CUSTOMER_COLUMNS,
    CUSTOMER_ID,
    NUMERIC_RANGES,
    SOURCE_LINE,
)
from mlops_common.markdown import md_cell

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_AND_RANGES = "schema_and_ranges"
UNIQUE_CUSTOMER_ID = "unique_customer_id"
KNOWN_CATEGORIES = "known_categories"
ONE_ORDER_PER_CUSTOMER = "one_order_per_customer"
CUSTOMER_CHECKS = (SCHEMA_AND_RANGES, UNIQUE_CUSTOMER_ID, KNOWN_CATEGORIES)
ORDER_CHECKS = (SCHEMA_AND_RANGES, ONE_ORDER_PER_CUSTOMER)

_HEADER_LINES = 1  # data row i (0-based) is line i + 2 of the file
MAX_COUNT = 1_000_000_000
"""Larger whole numbers are refused as typos before any range rule: they would not fit the
integer columns the files are stored in."""


@dataclass(frozen=True)
class Issue:
    """One offending row (line 0 = the file as a whole) and what is wrong with it."""

    line: int
    column: str
    value: str
    problem: str


def _integer_columns(columns: list[str]) -> list[str]:
    return [c for c in columns if c in NUMERIC_RANGES or c in BOX_COLUMNS]


def parse_csv(data: bytes, columns: list[str]) -> tuple[pd.DataFrame, list[Issue]]:
    """A typed frame with exactly `columns` (plus `source_line`), and the schema issues found.

    Unparseable values become missing, missing columns become empty, extra columns are dropped;
    each of these is reported as an issue instead of failing the read.
    """
    import pandas as pd

    issues: list[Issue] = []
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        issues.append(Issue(0, "", "", f"malformed CSV: {first_line}"))
        raw = pd.DataFrame(columns=columns, dtype=str)
    raw.columns = [str(c).strip() for c in raw.columns]
    for column in [c for c in columns if c not in raw.columns]:
        issues.append(Issue(0, column, "", "missing column"))
        raw[column] = ""
    for column in [c for c in raw.columns if c not in columns]:
        issues.append(Issue(0, column, "", "unexpected column (ignored)"))
    typed = pd.DataFrame(index=raw.index)
    for column in columns:
        text = raw[column].astype(str).str.strip()
        if column in _integer_columns(columns):
            numbers = pd.to_numeric(text, errors="coerce")
            bad = numbers.notna() & ((numbers % 1 != 0) | (numbers.abs() > MAX_COUNT))
            numbers = numbers.where(~bad)
            for index in text.index[text.ne("") & numbers.isna()]:
                issues.append(
                    Issue(index + 2, column, text[index], f"not an integer up to {MAX_COUNT:,}")
                )
            typed[column] = numbers.astype("Int64")
        else:
            typed[column] = text.replace("", pd.NA).astype("string")
    typed[SOURCE_LINE] = (typed.index + _HEADER_LINES + 1).astype("int64")
    return typed.reset_index(drop=True), issues


def _row_issues(frame: pd.DataFrame, mask: pd.Series, column: str, problem: str) -> list[Issue]:
    import pandas as pd

    return [
        Issue(int(line), column, "" if pd.isna(value) else str(value), problem)
        for line, value in zip(frame.loc[mask, SOURCE_LINE], frame.loc[mask, column], strict=True)
    ]


def range_issues(frame: pd.DataFrame, ranges: dict[str, tuple[int | None, int | None]]):
    """Rows with a missing value or a value outside its allowed range."""
    issues = []
    if frame.empty:
        issues.append(Issue(0, "", "", "no data rows"))
    for column, (low, high) in ranges.items():
        values = frame[column]
        issues += _row_issues(frame, values.isna(), column, "missing value")
        too_low = values.notna() & (values < low) if low is not None else None
        too_high = values.notna() & (values > high) if high is not None else None
        if too_low is not None:
            issues += _row_issues(frame, too_low.astype(bool), column, f"below {low}")
        if too_high is not None:
            issues += _row_issues(frame, too_high.astype(bool), column, f"above {high}")
    return issues


def customer_issues(customers: pd.DataFrame, schema: list[Issue] = ()) -> dict[str, list[Issue]]:
    """Issues per check for a customers file (`schema`: issues found while parsing it)."""
    ranges = {c: NUMERIC_RANGES[c] for c in CUSTOMER_COLUMNS if c in NUMERIC_RANGES}
    missing_ids = _row_issues(customers, customers[CUSTOMER_ID].isna(), CUSTOMER_ID, "missing id")
    duplicated = customers[CUSTOMER_ID].notna() & customers[CUSTOMER_ID].duplicated(keep=False)
    unknown = []
    for column, allowed in CATEGORIES.items():
        bad = customers[column].notna() & ~customers[column].isin(allowed)
        unknown += _row_issues(customers, bad.astype(bool), column, "unknown category")
        unknown += _row_issues(customers, customers[column].isna(), column, "missing category")
    return {
        SCHEMA_AND_RANGES: _merge(list(schema), range_issues(customers, ranges) + missing_ids),
        UNIQUE_CUSTOMER_ID: _row_issues(customers, duplicated, CUSTOMER_ID, "duplicate id"),
        KNOWN_CATEGORIES: unknown,
    }


def order_issues(
    orders: pd.DataFrame, customers: pd.DataFrame, schema: list[Issue] = ()
) -> dict[str, list[Issue]]:
    """Issues per check for an orders file, checked against the same cohort's customers."""
    ranges = {c: (0, None) for c in BOX_COLUMNS}
    ids = orders[CUSTOMER_ID]
    known = set(customers[CUSTOMER_ID].dropna())
    ordered = set(ids.dropna())
    pairing = _row_issues(orders, ids.isna(), CUSTOMER_ID, "missing id")
    pairing += _row_issues(
        orders, ids.notna() & ids.duplicated(keep=False), CUSTOMER_ID, "more than one order row"
    )
    pairing += _row_issues(orders, ids.notna() & ~ids.isin(known), CUSTOMER_ID, "unknown customer")
    without = customers[CUSTOMER_ID].notna() & ~customers[CUSTOMER_ID].isin(ordered)
    pairing += [
        Issue(
            0, CUSTOMER_ID, str(customer), f"customer has no order row (customers file line {line})"
        )
        for customer, line in zip(
            customers.loc[without, CUSTOMER_ID], customers.loc[without, SOURCE_LINE], strict=True
        )
    ]
    return {
        SCHEMA_AND_RANGES: _merge(list(schema), range_issues(orders, ranges)),
        ONE_ORDER_PER_CUSTOMER: pairing,
    }


def _merge(first: list[Issue], second: list[Issue]) -> list[Issue]:
    """`first`, then the issues of `second` about a row and column `first` does not name
    (and none about a column that is missing altogether)."""
    seen = {(i.line, i.column) for i in first if i.line}
    absent = {i.column for i in first if i.problem == "missing column"}
    return first + [i for i in second if (i.line, i.column) not in seen and i.column not in absent]


def is_blocking(issues: dict[str, list[Issue]]) -> bool:
    """Whether the issues make a file unfit for training (extra columns alone do not)."""
    return any(
        not i.problem.startswith("unexpected column") for found in issues.values() for i in found
    )


def cohort_issues(customers: pd.DataFrame, orders: pd.DataFrame) -> dict[str, list[Issue]]:
    """All blocking-relevant issues of a stored cohort, re-checked from its tables."""
    found = customer_issues(customers)
    for check, issues in order_issues(orders, customers).items():
        found[f"orders.{check}"] = issues
    return found


def issues_table(issues: list[Issue], limit: int = 20) -> str:
    """The first `limit` issues as a Markdown table (line 0 = the whole file)."""
    rows = ["| line | column | value | problem |", "| --- | --- | --- | --- |"]
    rows += [
        "| "
        + " | ".join(
            [str(i.line or "file"), md_cell(i.column), md_cell(i.value[:60]), md_cell(i.problem)]
        )
        + " |"
        for i in issues[:limit]
    ]
    if len(issues) > limit:
        rows.append(f"| … | | | {len(issues) - limit} more |")
    return "\n".join(rows)
