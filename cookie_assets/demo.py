"""Materialises the whole cookie graph on the local defaults, as the sensors would over time."""

import dagster as dg

from cookie_assets.assets.models import champion_name
from cookie_assets.contract import CUSTOMERS_FOLDER, ORDERS_FOLDER, TARGETS
from cookie_assets.keys import (
    BAKE_PLAN,
    CANDIDATE_MODELS,
    CHAMPION_MODEL,
    NEW_CUSTOMERS,
    ORDERS,
    PREDICTIONS,
    REALISED_ACCURACY,
    TRAINING_DATA,
    TRIAL_CUSTOMERS,
)
from cookie_assets.modeling.candidates import DEFAULT_N_ESTIMATORS
from cookie_assets.partitions import cohorts, prediction_days
from cookie_assets.sensors import landing_days, new_customer_days
from mlops_common.run_logging import QUIET_CONSOLE

FIGURES = ("r2", "r2_std", "holdout_r2")


def materialize_local_demo(
    instance: dg.DagsterInstance, n_estimators: int = DEFAULT_N_ESTIMATORS
) -> list[str]:
    """Replays the landing zone in the order the sensors would meet it: the cohorts before the
    first new-customers day are loaded and trained on and champions picked; every new-customers
    day is predicted with its bake plan; then later cohorts arrive (orders of customers predicted
    earlier) and the realised accuracy is measured. `n_estimators`: trees of the tree-based
    candidates (fewer train faster). Returns summary lines for the person running the demo."""
    from cookie_assets.definitions import ASSETS
    from cookie_assets.resources import build_resources

    assets = list(ASSETS)
    resources = build_resources()
    landing = resources["landing"]
    cohort_days = sorted(
        landing_days(landing, CUSTOMERS_FOLDER, "_customers.csv")
        & landing_days(landing, ORDERS_FOLDER, "_orders.csv")
    )
    new_days = new_customer_days(landing)
    history = [day for day in cohort_days if day < new_days[0]]
    later = [day for day in cohort_days if day >= new_days[0]]
    for partitions, days in [(cohorts, cohort_days), (prediction_days, new_days)]:
        known = set(instance.get_dynamic_partitions(partitions.name))
        instance.add_dynamic_partitions(partitions.name, [d for d in days if d not in known])

    models_config = {"candidate_models": {"config": {"n_estimators": n_estimators}}}

    def run(
        selection: list[dg.AssetKey], partition_key: str | None = None, ops: dict | None = None
    ) -> None:
        dg.materialize(
            assets,
            selection=selection,
            partition_key=partition_key,
            instance=instance,
            resources=resources,
            run_config=dg.RunConfig(ops=ops, loggers=QUIET_CONSOLE),
        )

    for day in history:
        run([TRIAL_CUSTOMERS, ORDERS], day)
    run([TRAINING_DATA])
    for target in TARGETS:
        run([CANDIDATE_MODELS, CHAMPION_MODEL], target, models_config)
    for day in new_days:
        run([NEW_CUSTOMERS, PREDICTIONS, BAKE_PLAN], day)
    for day in later:
        run([TRIAL_CUSTOMERS, ORDERS], day)
    if later:
        run([REALISED_ACCURACY])
        run([TRAINING_DATA])  # what the retraining sensor does with the later orders
        for target in TARGETS:
            run([CANDIDATE_MODELS, CHAMPION_MODEL], target, models_config)

    store = resources["model_store"]
    lines = [f"cookie: {len(history)} cohorts loaded ({history[0]} … {history[-1]})"]
    for target in TARGETS:
        champion = store.load_latest(champion_name(target))
        figures = {k: champion.metadata.get(k, float("nan")) for k in FIGURES}
        lines.append(
            f"cookie: champion for {target}: {champion.metadata.get('family')} "
            f"{champion.version}, CV R² {figures['r2']:.3f} ± {figures['r2_std']:.3f} "
            f"(holdout {figures['holdout_r2']:.3f})"
        )
    if later:
        realised = latest_metadata(instance, REALISED_ACCURACY)
        lines.append(
            f"cookie: later cohorts {', '.join(later)} brought orders of "
            f"{realised['customers'].value} predicted customers; realised MAE up to "
            f"{realised['largest_mae_ratio'].value:.2f}× the CV MAE "
            "(UI: asset cookie/realised_accuracy)"
        )
    plan = latest_metadata(instance, BAKE_PLAN)
    lines.append(
        f"cookie: bake plan for {new_days[-1]}: {plan['total_boxes'].value:.0f} boxes expected, "
        f"{plan['total_boxes_low'].value:.0f}–{plan['total_boxes_high'].value:.0f} likely "
        "(UI: asset cookie/bake_plan, metadata 'plan')"
    )
    return lines


def latest_metadata(instance: dg.DagsterInstance, asset: dg.AssetKey) -> dict:
    return instance.get_latest_materialization_event(asset).asset_materialization.metadata
