"""Asset checks: the data contract on every landing file, and the gate before a new champion."""

import warnings
from collections.abc import Iterable

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    PartitionsDefinition,
)
from dagster._utils.warnings import PreviewWarning

from cookie_assets.partitions import targets
from cookie_assets.validation import (
    KNOWN_CATEGORIES,
    ONE_ORDER_PER_CUSTOMER,
    SCHEMA_AND_RANGES,
    UNIQUE_CUSTOMER_ID,
    Issue,
    is_blocking,
    issues_table,
)

TRIAL_CUSTOMERS = AssetKey(["cookie", "trial_customers"])
ORDERS = AssetKey(["cookie", "orders"])
NEW_CUSTOMERS = AssetKey(["cookie", "new_customers"])
CHAMPION_MODEL = AssetKey(["cookie", "champion_model"])
CHAMPION_GATE = "champion_gate"

_DESCRIPTIONS = {
    SCHEMA_AND_RANGES: "The file parses, has the contract's columns, and every value is in range.",
    UNIQUE_CUSTOMER_ID: "No customer id appears twice.",
    KNOWN_CATEGORIES: "Favourite colour and season are among the known values.",
    ONE_ORDER_PER_CUSTOMER: "Every customer of the cohort has exactly one order row, no strangers.",
}


def file_check_specs(
    asset: AssetKey, checks: Iterable[str], partitions_def: PartitionsDefinition, blocking: bool
) -> list[AssetCheckSpec]:
    """One check per contract rule, evaluated for each partition (file) of the asset."""
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
    asset: AssetKey, location: str, fingerprint: str, issues: dict[str, list[Issue]]
) -> list[AssetCheckResult]:
    """A result per check naming the file and, when it fails, the offending rows. The file's
    fingerprint lets the alert delivery tell a re-run on the same bad file from a new upload."""
    return [
        AssetCheckResult(
            asset_key=asset,
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
        asset=CHAMPION_MODEL,
        blocking=True,
        partitions_def=targets,
        description=(
            "Decides keep, promote or refuse on cross-validated R²: the best candidate replaces "
            "the champion only if it is better by more than their combined standard error, and "
            "it must reach the floor min_r2. Fails on refuse (reasons and rule in its metadata); "
            "the previous champion stays in use."
        ),
    )
