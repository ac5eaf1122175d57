"""Training data: every valid cohort's customers joined with their orders, split for holdout."""

from dagster import (
    AssetExecutionContext,
    Config,
    Failure,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from cookie_assets.contract import COHORT, CUSTOMER_COLUMNS, ORDER_COLUMNS, TARGETS
from cookie_assets.frames import Frame
from cookie_assets.location import TABLES_POOL
from cookie_assets.modeling.data import SPLIT, assign_split, join_training_data
from cookie_assets.validation import cohort_issues, is_blocking

GROUP = "cookie_training"


class TrainingDataConfig(Config):
    seed: int = Field(
        default=0,
        description="Seed of the train / test split (a customer's side never changes for a "
        "given seed).",
    )


def valid_cohorts(customers: Frame, orders: Frame) -> tuple[list[str], list[str]]:
    """Cohorts whose stored files pass every contract rule, and those left out."""
    valid, excluded = [], []
    for cohort in sorted(set(customers[COHORT]) | set(orders[COHORT])):
        issues = cohort_issues(
            customers[customers[COHORT] == cohort], orders[orders[COHORT] == cohort]
        )
        (excluded if is_blocking(issues) else valid).append(cohort)
    return valid, excluded


@asset(group_name=GROUP, kinds={"pandas"}, pool=TABLES_POOL)
def training_data(
    context: AssetExecutionContext,
    config: TrainingDataConfig,
    trial_customers: Frame,
    orders: Frame,
) -> Output[Frame]:
    """All trial customers with their post-trial orders and `total_boxes`, each marked `train`
    or `test` by a seeded, reproducible split. Cohorts that fail their checks are left out."""
    valid, excluded = valid_cohorts(trial_customers, orders)
    if not valid:
        raise Failure(f"no cohort passes its checks (left out: {', '.join(excluded) or 'none'})")
    customers = trial_customers.loc[
        trial_customers[COHORT].isin(valid), [*CUSTOMER_COLUMNS, COHORT]
    ]
    orders = orders.loc[orders[COHORT].isin(valid), ORDER_COLUMNS]
    data = join_training_data(customers, orders)
    data[SPLIT] = assign_split(data["customer_id"], config.seed)
    if excluded:
        context.log.warning(f"cohorts left out of training (failed checks): {excluded}")
    counts = data[SPLIT].value_counts()
    return Output(
        data,
        metadata={
            "cohorts": MetadataValue.json(valid),
            "cohorts_left_out": MetadataValue.json(excluded),
            "train_rows": int(counts.get("train", 0)),
            "test_rows": int(counts.get("test", 0)),
            "mean_boxes": MetadataValue.md(
                data.groupby(SPLIT)[TARGETS].mean().round(2).to_markdown()
            ),
        },
    )
