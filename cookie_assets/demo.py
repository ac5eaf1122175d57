"""Materialises the whole cookie graph on the local defaults, as the sensors would over time."""

import dagster as dg

from cookie_assets.assets.models import CANDIDATE_MODELS, champion_name
from cookie_assets.assets.predictions import BAKE_PLAN, PREDICTIONS
from cookie_assets.assets.training import TRAINING_DATA
from cookie_assets.checks import CHAMPION_MODEL, NEW_CUSTOMERS, ORDERS, TRIAL_CUSTOMERS
from cookie_assets.contract import CUSTOMERS_FOLDER, NEW_CUSTOMERS_FOLDER, ORDERS_FOLDER, TARGETS
from cookie_assets.partitions import cohorts, prediction_days
from cookie_assets.sensors import landing_days
from mlops_common.run_logging import QUIET_CONSOLE


def materialize_local_demo(instance: dg.DagsterInstance) -> list[str]:
    """Loads every landed cohort, trains and picks champions, predicts the latest new-customer
    day and its bake plan. Returns summary lines for the person running the demo."""
    from cookie_assets.definitions import ASSETS
    from cookie_assets.resources import resources as build_resources

    assets = list(ASSETS)
    resources = build_resources()
    landing = resources["landing"]
    cohort_days = sorted(
        landing_days(landing, CUSTOMERS_FOLDER, "_customers.csv")
        & landing_days(landing, ORDERS_FOLDER, "_orders.csv")
    )
    known = set(instance.get_dynamic_partitions(cohorts.name))
    instance.add_dynamic_partitions(cohorts.name, [d for d in cohort_days if d not in known])

    def run(selection: list[dg.AssetKey], partition_key: str | None = None) -> None:
        dg.materialize(
            assets,
            selection=selection,
            partition_key=partition_key,
            instance=instance,
            resources=resources,
            run_config=dg.RunConfig(loggers=QUIET_CONSOLE),
        )

    for day in cohort_days:
        run([TRIAL_CUSTOMERS, ORDERS], day)
    run([TRAINING_DATA])
    for target in TARGETS:
        run([CANDIDATE_MODELS, CHAMPION_MODEL], target)
    days = set(prediction_days.get_partition_keys())
    latest = max(landing_days(landing, NEW_CUSTOMERS_FOLDER, "_customers.csv") & days)
    run([NEW_CUSTOMERS, PREDICTIONS, BAKE_PLAN], latest)

    store = resources["model_store"]
    lines = [f"cookie: {len(cohort_days)} cohorts loaded ({cohort_days[0]} … {cohort_days[-1]})"]
    for target in TARGETS:
        champion = store.load_latest(champion_name(target))
        lines.append(
            f"cookie: champion for {target}: {champion.metadata.get('family')} "
            f"{champion.version}, holdout R² {champion.metadata.get('r2', float('nan')):.3f}"
        )
    plan = instance.get_latest_materialization_event(BAKE_PLAN).asset_materialization
    total = plan.metadata["total_boxes"].value
    lines.append(
        f"cookie: bake plan for {latest}: {total:.0f} boxes expected "
        "(UI: asset cookie/bake_plan, metadata 'plan')"
    )
    return lines
