"""Daily predictions for new trial customers and the bake plan the shop works from."""

from collections.abc import Iterator
from datetime import timedelta

from dagster import (
    AllPartitionMapping,
    AssetDep,
    AssetExecutionContext,
    AssetSelection,
    AutomationCondition,
    Failure,
    FreshnessPolicy,
    MetadataValue,
    Output,
)

from cookie_assets.assets import models, training
from cookie_assets.assets.models import champion_name
from cookie_assets.assets.raw import read_landing_file, refuse_unstorable
from cookie_assets.assets.tables import partitioned_table_asset
from cookie_assets.checks import (
    PREDICTION_DRIFT,
    drift_check_result,
    file_check_results,
    file_check_specs,
    prediction_drift_spec,
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
)
from cookie_assets.frames import Frame
from cookie_assets.landing import LandingZone
from cookie_assets.monitoring.columns import (
    CV_MAE,
    MODEL_VERSION,
    PREDICTED_BOXES,
    RESIDUAL_SD,
    TARGET,
)
from cookie_assets.monitoring.drift import column_drift
from cookie_assets.monitoring.intervals import PLAN_COVERAGE, PLAN_INTERVAL_RULE, plan_interval
from cookie_assets.partitions import prediction_days
from cookie_assets.validation import CUSTOMER_CHECKS, customer_issues
from mlops_common.figures import markdown_image, new_figure, png_bytes
from mlops_common.model_store import ModelNotFoundError, ModelStore, StoredModel

GROUP = "cookie_predictions"
# A day's plan is due the morning after; a missing day turns the asset late, then overdue.
DAILY_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=timedelta(hours=36), warn_window=timedelta(hours=30)
)


@partitioned_table_asset(
    GROUP,
    prediction_days,
    DAY,
    check_specs=file_check_specs("new_customers", CUSTOMER_CHECKS, prediction_days, blocking=True),
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
    yield from file_check_results(file.location, file.fingerprint, issues)


def _champion(model_store: ModelStore, target: str) -> StoredModel:
    try:
        return model_store.load_latest(champion_name(target))
    except ModelNotFoundError as error:
        raise Failure(f"no champion for {target} yet: materialise champion_model") from error


@partitioned_table_asset(
    GROUP,
    prediction_days,
    DAY,
    deps=[AssetDep("champion_model", partition_mapping=AllPartitionMapping())],
    check_specs=[prediction_drift_spec],
    # A day is predicted once, when its new customers land, by the champion of that day: a later
    # champion or training set does not rewrite past predictions (realised accuracy compares
    # them with the orders that follow).
    # (Selected by group: the keys get their prefix only when the location loads the assets.)
    automation_condition=AutomationCondition.eager().ignore(
        AssetSelection.groups(models.GROUP, training.GROUP)
    ),
    freshness_policy=DAILY_FRESHNESS,
)
def predictions(
    context: AssetExecutionContext,
    new_customers: Frame,
    training_data: Frame,
    compute: TrainingCompute,
    model_store: ModelStore,
) -> Iterator:
    """Expected boxes of each cookie type, and in total, for every new customer of the day, from
    each target's champion with the preprocessing fitted when it was trained: one row per
    customer and target, with the champion version that predicted it, that version's
    cross-validated MAE, and its root-mean-square error on the holdout customers (the spread of
    a customer's actual boxes around the prediction, for the bake plan's range). The
    prediction_drift check compares them with the same champions' predictions for the training
    customers."""
    import pandas as pd

    from cookie_assets.modeling.candidates import predict, prediction_columns
    from cookie_assets.modeling.data import SPLIT
    from cookie_assets.monitoring.intervals import root_mean_square

    day = pd.Timestamp(context.partition_key)
    customers, known = new_customers, training_data
    trained_on = (known[SPLIT] == "train").to_numpy()
    holdout = known[~trained_on]
    rows, todays, reference, champions = [], {}, {}, {}
    with compute.workspace() as workspace:
        todays_set = workspace.to_dataset(customers[prediction_columns()])
        known_set = workspace.to_dataset(known[prediction_columns()])
        for target in TARGETS:
            champion = _champion(model_store, target)
            predicted = predict(champion.model, todays_set).reindex(customers[CUSTOMER_ID])
            todays[target] = predicted.to_numpy()
            on_known = predict(champion.model, known_set).reindex(known[CUSTOMER_ID]).to_numpy()
            reference[target] = on_known[trained_on]
            rows.append(
                pd.DataFrame(
                    {
                        DAY: day,
                        CUSTOMER_ID: customers[CUSTOMER_ID].to_numpy(),
                        TARGET: target,
                        PREDICTED_BOXES: todays[target],
                        MODEL_VERSION: champion.version,
                        CV_MAE: float(champion.metadata.get("mae", "nan")),
                        RESIDUAL_SD: root_mean_square(on_known[~trained_on] - holdout[target]),
                    }
                )
            )
            champions[target] = f"{champion.version} ({champion.metadata.get('family')})"
    yield Output(
        pd.concat(rows, ignore_index=True),
        metadata={"customers": len(customers), "champions": MetadataValue.json(champions)},
    )
    drift = column_drift(pd.DataFrame(reference), pd.DataFrame(todays), numeric=TARGETS)
    yield drift_check_result(PREDICTION_DRIFT, drift, int(trained_on.sum()), len(customers))


def bake_chart(plan: Frame, day: str) -> bytes:
    """A bar chart of expected boxes per cookie type with the plan's interval, as PNG."""
    figure, axis = new_figure(figsize=(6, 3))
    axis.bar(
        plan["cookie"].str.replace("_", " "),
        plan["expected"],
        yerr=[plan["expected"] - plan["low"], plan["high"] - plan["expected"]],
        capsize=4,
        color="#b5651d",
    )
    axis.set_ylabel(f"boxes ({PLAN_COVERAGE:.0%} interval)")
    axis.set_title(f"Bake plan for customers of {day}")
    return png_bytes(figure)


@partitioned_table_asset(
    GROUP,
    prediction_days,
    DAY,
    automation_condition=AutomationCondition.eager(),
    freshness_policy=DAILY_FRESHNESS,
)
def bake_plan(context: AssetExecutionContext, predictions: Frame) -> Output[Frame]:
    """How many boxes of each cookie to bake for the day's new customers: the sum of their
    expected orders, and a range (low, high) meant to hold the day's actual orders 4 days out
    of 5 (from the champions' errors on holdout customers, see interval_rule); with a chart.
    Replaces the original demo's Streamlit page."""
    import pandas as pd

    day = context.partition_key
    customers = predictions[CUSTOMER_ID].nunique()
    by_target = predictions.groupby(TARGET)
    rows = []
    for target in [*BOX_COLUMNS, TOTAL_BOXES]:
        predicted = by_target.get_group(target)
        expected = float(predicted[PREDICTED_BOXES].sum())
        low, high = plan_interval(expected, predicted[RESIDUAL_SD])
        rows.append(
            {
                DAY: pd.Timestamp(day),
                "cookie": target.removesuffix("_boxes"),
                "low": round(low, 1),
                "expected": round(expected, 1),
                "high": round(high, 1),
                "customers": customers,
            }
        )
    plan = pd.DataFrame(rows)
    table = plan[["cookie", "low", "expected", "high"]].to_markdown(index=False)
    chart = bake_chart(plan[plan["cookie"] != "total"], day)
    total = plan.set_index("cookie").loc["total"]
    return Output(
        plan,
        metadata={
            "plan": MetadataValue.md(f"{table}\n\n{markdown_image(chart, 'bake plan')}"),
            "total_boxes": float(total["expected"]),
            "total_boxes_low": float(total["low"]),
            "total_boxes_high": float(total["high"]),
            "interval_rule": PLAN_INTERVAL_RULE,
            "customers": customers,
        },
    )
