"""Per-warehouse drift of daily usage: the evidence the retraining sensor acts on."""

from dagster import AssetExecutionContext, AutomationCondition, MetadataValue, Output

from snowpatrol_assets.assets import groups
from snowpatrol_assets.checks import drift_check_spec


@groups.table_asset(
    groups.FEATURES,
    extra_kinds={"statsmodels"},
    check_specs=[drift_check_spec("warehouse_usage_features")],
    automation_condition=AutomationCondition.eager(),
)
def warehouse_usage_features(context: AssetExecutionContext, warehouse_daily_usage):
    """Daily credits of every active warehouse split into trend, weekly seasonality and residual,
    with a drift test per warehouse: has the last week's usage (log credits, relative to each
    weekday's usual level) left the distribution of the eight weeks before it?

    The whole fleet is tested at once, so the drift decision controls the false discovery rate
    (Benjamini-Hochberg): with 1,000 warehouses, plain p < 0.05 would call about 50 of them
    drifted by chance every day. Drifted warehouses are retrained by the `retrain_on_drift`
    sensor. Dropped and too-new warehouses are left out (see warehouse_daily_usage).
    """
    from mlops_common.parallel import map_by_key
    from snowpatrol_assets.check_results import drift_check_result
    from snowpatrol_assets.detection.drift import drifted_warehouses
    from snowpatrol_assets.usage.features import status_of, warehouse_series

    active = set(status_of(warehouse_daily_usage).active)
    series = list(warehouse_series(warehouse_daily_usage, active))
    tested = map_by_key(decomposed_with_drift, [(key, credits) for key, _, _, credits in series])
    drift = {key: result for (key, _, _, _), (_, result) in zip(series, tested, strict=True)}
    fleet = drifted_warehouses(drift)
    features = _features_table(series, [parts for parts, _ in tested])
    yield Output(
        features,
        metadata={
            "rows": len(features),
            "active_warehouses": MetadataValue.json(sorted(active)),
            "drifted_warehouses": MetadataValue.json(sorted(fleet.drifted)),
            "drift_p_value_threshold": float(f"{fleet.p_value_threshold:.3g}"),
        },
    )
    yield drift_check_result(drift, fleet)


def _features_table(series: list, parts: list):
    """Every warehouse's decomposition in one table, each row named by its warehouse."""
    from mlops_common.frames import concat_labelled
    from snowpatrol_assets.usage.columns import ACCOUNT, USAGE_DATE, WAREHOUSE, WAREHOUSE_KEY

    keys, accounts, names = ([entry[i] for entry in series] for i in range(3))
    labels = {ACCOUNT: accounts, WAREHOUSE: names, WAREHOUSE_KEY: keys}
    table = concat_labelled(parts, labels).rename(columns=str.upper)
    return table.rename_axis(USAGE_DATE).reset_index() if parts else table


def decomposed_with_drift(credits):
    """One warehouse's trend / seasonal / residual split and its KS drift test (run in a
    worker process)."""
    from snowpatrol_assets.detection.decomposition import decompose
    from snowpatrol_assets.detection.drift import usage_drift

    parts = decompose(credits)
    return parts, usage_drift(credits)
