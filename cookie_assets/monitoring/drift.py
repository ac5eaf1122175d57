"""Drift: do today's customers, or their predictions, look like the ones the champions learnt
from?

Each column is tested on its own, numbers by a two-sample Kolmogorov–Smirnov test, categories
by a chi-square test of homogeneity. Testing several columns at p < 0.05 would call one in
twenty drifted by chance alone; Benjamini–Hochberg keeps the expected share of false alarms
among the columns called drifted at the false discovery rate instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlops_common.markdown import md_cell

if TYPE_CHECKING:
    import pandas as pd

FALSE_DISCOVERY_RATE = 0.05
KOLMOGOROV_SMIRNOV = "Kolmogorov–Smirnov"
CHI_SQUARE = "chi-square"


def drift_rule(false_discovery_rate: float) -> str:
    return (
        "Each column is compared with the reference: numbers by a two-sample "
        "Kolmogorov–Smirnov test, categories by a chi-square test of homogeneity. "
        "Benjamini–Hochberg adjusts the p-values across the columns; a column has drifted when "
        f"its adjusted p-value is at most {false_discovery_rate} (the expected share of false "
        "alarms among drifted columns)."
    )


@dataclass(frozen=True)
class ColumnTest:
    """One column's test of the current rows against the reference rows."""

    column: str
    test: str
    statistic: float
    p_value: float
    adjusted_p_value: float
    drifted: bool


@dataclass(frozen=True)
class DriftReport:
    """Every column's test, and the false discovery rate the drifted calls were made at."""

    tests: tuple[ColumnTest, ...]
    false_discovery_rate: float

    @property
    def drifted(self) -> list[str]:
        return [t.column for t in self.tests if t.drifted]


def ks_test(reference: pd.Series, current: pd.Series) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov statistic and p-value (missing values left out). Whole
    numbers tie a lot, which makes the test conservative: it calls drift less often."""
    from scipy.stats import ks_2samp

    result = ks_2samp(reference.dropna().to_numpy(float), current.dropna().to_numpy(float))
    return float(result.statistic), float(result.pvalue)


def chi_square_test(reference: pd.Series, current: pd.Series) -> tuple[float, float]:
    """Chi-square test that both samples share the same category shares (missing values left
    out); a value only one sample has counts as its own category."""
    import pandas as pd
    from scipy.stats import chi2_contingency

    counts = pd.concat(
        [reference.dropna().value_counts(), current.dropna().value_counts()], axis=1
    ).fillna(0)
    if len(counts) < 2:  # one category in all: the shares cannot differ
        return 0.0, 1.0
    result = chi2_contingency(counts.to_numpy().T)
    return float(result.statistic), float(result.pvalue)


def column_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    numeric: Sequence[str],
    categorical: Sequence[str] = (),
    false_discovery_rate: float = FALSE_DISCOVERY_RATE,
) -> DriftReport:
    """Tests each `numeric` and `categorical` column of `current` against `reference`, with
    Benjamini–Hochberg control across all of them."""
    from scipy.stats import false_discovery_control

    raw = [(c, KOLMOGOROV_SMIRNOV, *ks_test(reference[c], current[c])) for c in numeric]
    raw += [(c, CHI_SQUARE, *chi_square_test(reference[c], current[c])) for c in categorical]
    adjusted = false_discovery_control([p for *_, p in raw], method="bh")
    tests = tuple(
        ColumnTest(column, test, statistic, p, float(q), bool(q <= false_discovery_rate))
        for (column, test, statistic, p), q in zip(raw, adjusted, strict=True)
    )
    return DriftReport(tests, false_discovery_rate)


def unseen_category_shares(
    reference: pd.DataFrame, current: pd.DataFrame, categorical: Sequence[str]
) -> dict[str, float]:
    """Per categorical column, the share of current rows with a value no reference row has (a
    model trained on the reference ignores it); under `any`, rows with at least one such value."""
    import pandas as pd

    unseen = pd.DataFrame(
        {c: current[c].notna() & ~current[c].isin(set(reference[c].dropna())) for c in categorical},
        index=current.index,
    )
    return {**unseen.mean().to_dict(), "any": float(unseen.any(axis=1).mean())}


def drift_table(report: DriftReport) -> str:
    """Markdown: per column the test, statistic, p-value, adjusted p-value and the call."""
    rows = [
        "| column | test | statistic | p-value | BH-adjusted | call |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    rows += [
        f"| {md_cell(t.column)} | {t.test} | {t.statistic:.3f} | {t.p_value:.4f} | "
        f"{t.adjusted_p_value:.4f} | {'drifted' if t.drifted else 'stable'} |"
        for t in report.tests
    ]
    return "\n".join(rows)
