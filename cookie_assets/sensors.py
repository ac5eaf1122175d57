"""Sensors: cohorts and new customers discovered in the landing zone, retraining on new orders."""

from datetime import UTC, date, datetime

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    sensor,
)

from cookie_assets.contract import CUSTOMERS_FOLDER, NEW_CUSTOMERS_FOLDER, ORDERS_FOLDER, day_of
from cookie_assets.keys import NEW_CUSTOMERS, ORDERS, PREFIX, TRAINING_DATA, TRIAL_CUSTOMERS
from cookie_assets.landing import LandingZone
from cookie_assets.partitions import cohorts, prediction_days

retrain_job = define_asset_job(
    "cookie_retrain",
    selection=AssetSelection.assets(TRAINING_DATA),
    description="Rebuilds the training data; candidate and champion models follow automatically.",
)


def landing_days(landing: LandingZone, folder: str, suffix: str) -> set[str]:
    return {day for day in (day_of(f, suffix) for f in landing.list_files(folder)) if day}


def new_customer_days(landing: LandingZone, today: date | None = None) -> list[str]:
    """The days whose new-customers file has landed, up to yesterday (UTC): a file dated today
    or later waits until its day is over."""
    today = today or datetime.now(UTC).date()
    landed = landing_days(landing, NEW_CUSTOMERS_FOLDER, "_customers.csv")
    return sorted(day for day in landed if day < today.isoformat())


@sensor(
    name="cookie_landing_sensor",
    description="Adds a cohort partition, and loads it, once both of a day's files (customers "
    "and orders) have landed.",
    target=AssetSelection.assets(TRIAL_CUSTOMERS, ORDERS),
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
)
def cookie_landing_sensor(context: SensorEvaluationContext, landing: LandingZone) -> SensorResult:
    complete = landing_days(landing, CUSTOMERS_FOLDER, "_customers.csv") & landing_days(
        landing, ORDERS_FOLDER, "_orders.csv"
    )
    new_cohorts = sorted(complete - set(context.instance.get_dynamic_partitions(cohorts.name)))
    return SensorResult(
        run_requests=[
            RunRequest(run_key=f"cohort-{day}", partition_key=day) for day in new_cohorts
        ],
        dynamic_partitions_requests=[cohorts.build_add_request(new_cohorts)] if new_cohorts else [],
    )


@sensor(
    name="cookie_new_customers_sensor",
    description="Adds a prediction day, and loads it, when its new-customers file lands (days "
    "already loaded are skipped); predictions and the bake plan follow.",
    target=AssetSelection.assets(NEW_CUSTOMERS),
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
)
def cookie_new_customers_sensor(
    context: SensorEvaluationContext, landing: LandingZone
) -> SensorResult:
    landed = new_customer_days(landing)
    known = set(context.instance.get_dynamic_partitions(prediction_days.name))
    new_days = [day for day in landed if day not in known]
    loaded = context.instance.get_materialized_partitions(NEW_CUSTOMERS)
    return SensorResult(
        run_requests=[
            RunRequest(run_key=f"new-customers-{day}", partition_key=day)
            for day in landed
            if day not in loaded
        ],
        dynamic_partitions_requests=[prediction_days.build_add_request(new_days)]
        if new_days
        else [],
    )


@sensor(
    name="cookie_retrain_sensor",
    job=retrain_job,
    description="Rebuilds the training data when orders arrived after it was last built (several "
    "cohorts at once: one retrain). Decided from what is stored, so a fresh sensor does not "
    "retrain what `make run` just trained.",
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
)
def cookie_retrain_sensor(context: SensorEvaluationContext):
    orders = _latest_storage_id(context.instance, ORDERS)
    if orders is None:
        return SkipReason("No orders loaded yet")
    trained = _latest_storage_id(context.instance, TRAINING_DATA)
    if trained is not None and trained > orders:
        return SkipReason("The training data already includes the latest orders")
    return RunRequest(run_key=f"orders-{orders}")


def _latest_storage_id(instance, key) -> int | None:
    records = instance.fetch_materializations(key, limit=1).records
    return records[0].storage_id if records else None


cookie_automation_sensor = AutomationConditionSensorDefinition(
    "cookie_automation_sensor",
    target=AssetSelection.key_prefixes([PREFIX]),
    default_status=DefaultSensorStatus.RUNNING,
    description="Materialises models after retraining and predictions for each new day.",
)
