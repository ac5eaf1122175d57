"""`warehouse_anomaly_models` on a small fleet in memory: which warehouses get a model, which
version, and what each warehouse partition records."""

import pytest

from mlops_common.model_store import ModelNotFoundError
from snowpatrol_assets.feedback import REAL, LocalAnomalyFeedback, feedback_row
from snowpatrol_assets.partitions import warehouses
from snowpatrol_assets.usage.columns import CREDITS, USAGE_DATE, WAREHOUSE_KEY
from tests.snowpatrol.small_fleet import ACTIVE, DROPPED, TOO_SHORT, train, warehouse_instance


def partition_metadata(result) -> dict[str, dict]:
    """The metadata each warehouse partition of the models asset recorded in the run."""
    return {
        m.partition: {k: v.value for k, v in m.metadata.items()}
        for m in result.asset_materializations_for_node("warehouse_anomaly_models")
    }


def test_every_active_warehouse_of_the_range_gets_a_model_and_no_other(fleet_usage, model_store):
    instance = warehouse_instance(fleet_usage)
    keys = instance.get_dynamic_partitions(warehouses.name)
    result, models = train(instance, fleet_usage, model_store, keys[0], keys[-1])

    assert sorted(models["WAREHOUSE_KEY"]) == ACTIVE  # not the dropped or the too-new one
    assert set(models["MODEL_VERSION"]) == {"v1"}
    assert set(models["METHOD"]) == {"robust_baseline"}  # the default before any evaluation
    for key in ACTIVE:
        stored = model_store.load_latest(key)
        assert stored.version == "v1" and stored.metadata["warehouse_key"] == key
    for key in (DROPPED, TOO_SHORT):
        assert "model_version" not in partition_metadata(result).get(key, {})
        with pytest.raises(ModelNotFoundError):
            model_store.load_latest(key)
    [check] = result.get_asset_check_evaluations()
    assert check.metadata["models_trained"].value == len(ACTIVE)


def test_two_separate_warehouses_are_retrained_and_the_others_keep_their_version(
    fleet_usage, model_store
):
    instance = warehouse_instance(fleet_usage)
    train(instance, fleet_usage, model_store, ACTIVE[0], ACTIVE[-1])
    chosen = [ACTIVE[0], ACTIVE[2]]  # not adjacent: one run each, as the retraining sensor asks

    runs = [train(instance, fleet_usage, model_store, key)[0] for key in chosen]

    versions = {key: model_store.load_latest(key).version for key in ACTIVE}
    assert versions == {key: "v2" if key in chosen else "v1" for key in ACTIVE}
    recorded = partition_metadata(runs[-1])
    assert list(recorded) == [chosen[-1]]
    assert recorded[chosen[-1]]["model_version"] == "v2"
    assert recorded[chosen[-1]]["warehouse_key"] == chosen[-1]
    assert "models" not in recorded[chosen[-1]]  # no run-wide table copied into a partition


def test_the_configured_method_trains_and_is_recorded_per_warehouse(fleet_usage, model_store):
    instance = warehouse_instance(fleet_usage)

    result, models = train(instance, fleet_usage, model_store, ACTIVE[1], method="isolation_forest")

    assert list(models["METHOD"]) == ["isolation_forest"]
    assert partition_metadata(result)[ACTIVE[1]]["method"] == "isolation_forest"
    assert model_store.load_latest(ACTIVE[1]).model.method == "isolation_forest"


def test_anomalies_people_marked_real_do_not_count_against_a_fresh_model(
    fleet_usage, model_store, tmp_path
):
    """A warehouse whose history holds many real anomalies (a job gone wild every ninth day):
    unlabelled, its fresh model flags over 5 % of its training days and the check warns naming
    it; once people marked those days real, the same training passes."""
    key = ACTIVE[1]
    usage = fleet_usage.copy()
    days = sorted(usage.loc[usage[WAREHOUSE_KEY] == key, USAGE_DATE])[30::9]
    usage.loc[usage[WAREHOUSE_KEY].eq(key) & usage[USAGE_DATE].isin(days), CREDITS] *= 8
    instance = warehouse_instance(usage)

    unlabelled, _ = train(instance, usage, model_store, key)
    [check] = unlabelled.get_asset_check_evaluations()
    assert not check.passed
    assert check.metadata["warehouses_over_limit"].value[key] > 0.05

    feedback = LocalAnomalyFeedback(database=str(tmp_path / "labels.duckdb"))
    for day in days:
        feedback.record(feedback_row(key, day.date(), None, REAL, "nightly job ran eight times"))
    labelled, _ = train(instance, usage, model_store, key, feedback=feedback)
    [check] = labelled.get_asset_check_evaluations()
    assert check.passed
    assert partition_metadata(labelled)[key]["training_anomaly_rate"] <= 0.05
