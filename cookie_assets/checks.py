"""Asset checks: the data contract on every landing file, and the gate before a new champion.

Specs attached to an asset name it as it is defined (`champion_model`); the location adds the
key prefix when it loads the assets (see keys.py).
"""

import warnings
from collections.abc import Iterable

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
    PartitionsDefinition,
    PreviewWarning,
)

from cookie_assets.monitoring.drift import DriftReport, drift_rule, drift_table
from cookie_assets.partitions import prediction_days, targets
from cookie_assets.validation import (
    KNOWN_CATEGORIES,
    ONE_ORDER_PER_CUSTOMER,
    SCHEMA_AND_RANGES,
    UNIQUE_CUSTOMER_ID,
    Issue,
    is_blocking,
    issues_table,
)

CHAMPION_GATE = "champion_gate"

_DESCRIPTIONS = {
    SCHEMA_AND_RANGES: "The file parses, has the contract's columns, and every value is in range.",
    UNIQUE_CUSTOMER_ID: "No customer id appears twice.",
    KNOWN_CATEGORIES: "Favourite colour and season are among the known values.",
    ONE_ORDER_PER_CUSTOMER: "Every customer of the cohort has exactly one order row, no strangers.",
}


def file_check_specs(
    asset: str, checks: Iterable[str], partitions_def: PartitionsDefinition, blocking: bool
) -> list[AssetCheckSpec]:
    """One check per contract rule on the asset named `asset`, evaluated for each partition
    (file) of it."""
    with warnings.catch_warnings():  # partitioned checks are a preview feature, chosen knowingly
        warnings.simplefilter("ignore", PreviewWarning)
        return [
            AssetCheckSpec(
                name,
                asset=asset,
                description=_DESCRIPTIONS[name],
                blocking=blocking,
                partitions_def=partitions_def,
            )
            for name in checks
        ]


def file_check_results(
    location: str, fingerprint: str, issues: dict[str, list[Issue]]
) -> list[AssetCheckResult]:
    """A result per check naming the file and, when it fails, the offending rows. The file's
    fingerprint lets the alert delivery tell a re-run on the same bad file from a new upload."""
    return [
        AssetCheckResult(
            check_name=name,
            passed=not found or not is_blocking({name: found}),
            severity=AssetCheckSeverity.ERROR,
            description=(
                f"{location}: {len(found)} offending row(s)" if found else f"{location}: ok"
            ),
            metadata={
                "file": location,
                "fingerprint": fingerprint,
                "offending_rows": len(found),
                **({"issues": MetadataValue.md(issues_table(found))} if found else {}),
            },
        )
        for name, found in issues.items()
    ]


with warnings.catch_warnings():
    warnings.simplefilter("ignore", PreviewWarning)
    champion_gate_spec = AssetCheckSpec(
        CHAMPION_GATE,
        asset="champion_model",
        blocking=True,
        partitions_def=targets,
        description=(
            "Decides keep, promote or refuse on cross-validated R²: the best candidate replaces "
            "the champion only if it is better by more than their combined standard error, and "
            "it must reach the floor min_r2. Fails on refuse (reasons and rule in its metadata); "
            "the previous champion stays in use."
        ),
    )


FEATURE_DRIFT = "feature_drift"
PREDICTION_DRIFT = "prediction_drift"
REALISED_MAE_WITHIN_CV = "realised_mae_within_cv"

FEATURE_DRIFT_DESCRIPTION = (
    "Warns when the day's new customers no longer look like the training customers the "
    "champions learnt from: each numeric attribute by a Kolmogorov–Smirnov test, each category "
    "by a chi-square test, Benjamini–Hochberg across the attributes. Also reports the share of "
    "customers with a category no training customer had (the models ignore it)."
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", PreviewWarning)
    prediction_drift_spec = AssetCheckSpec(
        PREDICTION_DRIFT,
        asset="predictions",
        partitions_def=prediction_days,
        description=(
            "Warns when the day's predictions are distributed unlike the same champions' "
            "predictions for the training customers: a Kolmogorov–Smirnov test per target, "
            "Benjamini–Hochberg across the targets. A drifted day's bake plan rests on customers "
            "the models know less about."
        ),
    )
    realised_mae_spec = AssetCheckSpec(
        REALISED_MAE_WITHIN_CV,
        asset="realised_accuracy",
        description=(
            "Warns when, for customers whose orders arrived after they were predicted, a "
            "champion version's mean absolute error exceeds its cross-validated MAE by more than "
            "the configured factor; names the targets (judged only with enough customers)."
        ),
    )


def drift_check_result(
    check_name: str,
    report: DriftReport,
    reference_rows: int,
    current_rows: int,
    metadata: dict | None = None,
) -> AssetCheckResult:
    """A warning naming the drifted columns, or a pass; per-column tests and the rule in its
    metadata, with `metadata` added."""
    drifted = report.drifted
    return AssetCheckResult(
        check_name=check_name,
        passed=not drifted,
        severity=AssetCheckSeverity.WARN,
        description=f"drifted: {', '.join(drifted)}"
        if drifted
        else f"none of {len(report.tests)} columns drifted",
        metadata={
            "drifted": MetadataValue.json(drifted),
            "per_column": MetadataValue.md(drift_table(report)),
            "rule": drift_rule(report.false_discovery_rate),
            "reference_rows": reference_rows,
            "current_rows": current_rows,
            **(metadata or {}),
        },
    )
