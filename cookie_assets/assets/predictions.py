"""Daily predictions for new trial customers and the bake plan the shop works from."""

from collections.abc import Iterator
from datetime import timedelta

from dagster import (
    AllPartitionMapping,
    AssetDep,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AutomationCondition,
    Failure,
    FreshnessPolicy,
    MetadataValue,
    Output,
    asset,
)

from cookie_assets.assets.models import champion_name
from cookie_assets.assets.raw import read_landing_file, refuse_unstorable
from cookie_assets.checks import (
    CHAMPION_MODEL,
    NEW_CUSTOMERS,
    file_check_results,
    file_check_specs,
)
from cookie_assets.compute import TrainingCompute
from cookie_assets.contract import (
    BOX_COLUMNS,
    CUSTOMER_COLUMNS,
    CUSTOMER_ID,
    DAY,
    TARGETS,
    TOTAL_BOXES,
    new_customers_file,
    restore_column_names,
)
from cookie_assets.frames import Frame
from cookie_assets.landing import LandingZone
from cookie_assets.location import TABLE_KINDS
from cookie_assets.partitions import prediction_days
from cookie_assets.validation import CUSTOMER_CHECKS, customer_issues
from mlops_common.figures import markdown_image, new_figure, png_bytes
from mlops_common.model_store import ModelNotFoundError, ModelStore

GROUP = "cookie_predictions"
PREDICTIONS = AssetKey(["cookie", "predictions"])
BAKE_PLAN = AssetKey(["cookie", "bake_plan"])
# A day's plan is due the morning after; a missing day turns the asset late, then overdue.
DAILY_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=timedelta(hours=36), warn_window=timedelta(hours=30)
)


@asset(
    key=NEW_CUSTOMERS,
    partitions_def=prediction_days,
    group_name=GROUP,
    kinds=TABLE_KINDS,
    metadata={"partition_expr": DAY},
    check_specs=file_check_specs(NEW_CUSTOMERS, CUSTOMER_CHECKS, prediction_days, blocking=True),
)
def new_customers(context: AssetExecutionContext, landing: LandingZone) -> Iterator:
    """Customers who started a trial on this day and have not ordered yet: who to bake for.

    Read from `new_customers/YYYY-MM-DD_customers.csv`; a bad file blocks that day's predictions.
    """
    import pandas as pd

    day = context.partition_key
    file = read_landing_file(landing, new_customers_file(day), CUSTOMER_COLUMNS)
    refuse_unstorable(file)
    yield Output(
        file.frame.assign(**{DAY: pd.Timestamp(day)}),
        metadata={"file": file.location, "rows": len(file.frame), "fingerprint": file.fingerprint},
    )
    issues = customer_issues(file.frame, file.schema_issues)
    yield from file_check_results(NEW_CUSTOMERS, file.location, file.fingerprint, issues)


@asset(
    key=PREDICTIONS,
    partitions_def=prediction_days,
    group_name=GROUP,
    kinds=TABLE_KINDS,
    metadata={"partition_expr": DAY},
    ins={"new_customers": AssetIn(NEW_CUSTOMERS)},
    deps=[AssetDep(CHAMPION_MODEL, partition_mapping=AllPartitionMapping())],
    automation_condition=AutomationCondition.eager(),
    freshness_policy=DAILY_FRESHNESS,
)
def predictions(
    context: AssetExecutionContext,
    new_customers: Frame,
    compute: TrainingCompute,
    model_store: ModelStore,
) -> Output[Frame]:
    """Expected boxes of each cookie type, and in total, for every new customer of the day,
    from each target's champion with the preprocessing fitted when it was trained."""
    import pandas as pd

    from cookie_assets.modeling.candidates import predict, prediction_columns

    customers = restore_column_names(new_customers)
    result = pd.DataFrame(
        {DAY: pd.Timestamp(context.partition_key), CUSTOMER_ID: customers[CUSTOMER_ID]}
    )
    champions = {}
    with compute.workspace() as workspace:
        dataset = workspace.to_dataset(customers[prediction_columns()])
        for target in TARGETS:
            try:
                champion = model_store.load_latest(champion_name(target))
            except ModelNotFoundError as error:
                raise Failure(
                    f"no champion for {target} yet: materialise champion_model"
                ) from error
            predicted = predict(champion.model, dataset).reindex(customers[CUSTOMER_ID])
            result[target] = predicted.to_numpy()
            champions[target] = f"{champion.version} ({champion.metadata.get('family')})"
    return Output(
        result,
        metadata={"customers": len(result), "champions": MetadataValue.json(champions)},
    )


def bake_chart(plan: Frame, day: str) -> bytes:
    """A bar chart of expected boxes per cookie type, as PNG."""
    figure, axis = new_figure(figsize=(6, 3))
    axis.bar(plan["cookie"].str.replace("_", " "), plan["expected_boxes"], color="#b5651d")
    axis.set_ylabel("expected boxes")
    axis.set_title(f"Bake plan for customers of {day}")
    return png_bytes(figure)


@asset(
    key=BAKE_PLAN,
    partitions_def=prediction_days,
    group_name=GROUP,
    kinds=TABLE_KINDS,
    metadata={"partition_expr": DAY},
    ins={"predictions": AssetIn(PREDICTIONS)},
    automation_condition=AutomationCondition.eager(),
    freshness_policy=DAILY_FRESHNESS,
)
def bake_plan(context: AssetExecutionContext, predictions: Frame) -> Output[Frame]:
    """How many boxes of each cookie to bake for the day's new customers (the sum of their
    expected orders), with a chart; replaces the original demo's Streamlit page."""
    import pandas as pd

    predictions = restore_column_names(predictions)
    day = context.partition_key
    cookies = [*BOX_COLUMNS, TOTAL_BOXES]
    plan = pd.DataFrame(
        {
            DAY: pd.Timestamp(day),
            "cookie": [c.removesuffix("_boxes") for c in cookies],
            "expected_boxes": [round(float(predictions[c].sum()), 1) for c in cookies],
            "customers": len(predictions),
        }
    )
    table = plan[["cookie", "expected_boxes"]].to_markdown(index=False)
    chart = bake_chart(plan[plan["cookie"] != "total"], day)
    return Output(
        plan,
        metadata={
            "plan": MetadataValue.md(f"{table}\n\n{markdown_image(chart, 'bake plan')}"),
            "total_boxes": float(plan.loc[plan["cookie"] == "total", "expected_boxes"].iloc[0]),
            "customers": len(predictions),
        },
    )
