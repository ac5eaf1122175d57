"""The cookie assets with logic called directly (`build_asset_context`) on in-memory frames and a
temporary model store: training data, candidates, the champion decision, predictions."""

import pandas as pd
import pytest
from dagster import build_asset_context

from cookie_assets.assets.models import (
    CandidateConfig,
    ChampionConfig,
    candidate_models,
    champion_model,
    champion_name,
)
from cookie_assets.assets.predictions import predictions
from cookie_assets.assets.training import TrainingDataConfig, training_data
from cookie_assets.compute import TrainingCompute
from cookie_assets.contract import (
    BOX_COLUMNS,
    COHORT,
    CUSTOMER_COLUMNS,
    DAY,
    ORDER_COLUMNS,
    TOTAL_BOXES,
)
from cookie_assets.generator import generate_customers, generate_orders
from cookie_assets.modeling.data import SPLIT
from cookie_assets.validation import parse_csv
from mlops_common.model_store import LocalModelStore, ModelNotFoundError

TARGET = TOTAL_BOXES
FAST = CandidateConfig(n_estimators=10)


def stored(frame: pd.DataFrame, columns: list[str], cohort: str) -> pd.DataFrame:
    """A landing file as the raw assets store it: parsed, typed, with its cohort."""
    parsed, issues = parse_csv(frame.to_csv(index=False).encode(), columns)
    assert not issues
    return parsed.assign(**{COHORT: cohort})


def landed(cohorts: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(trial_customers, orders) of the given cohort days and seeds, 80 customers each."""
    customers, orders = [], []
    for day, seed in cohorts.items():
        people = generate_customers(80, seed).assign(
            customer_id=lambda f, d=day: d + "-" + f["customer_id"]
        )
        customers.append(stored(people, CUSTOMER_COLUMNS, day))
        orders.append(stored(generate_orders(people, seed), ORDER_COLUMNS, day))
    return pd.concat(customers, ignore_index=True), pd.concat(orders, ignore_index=True)


def build_training_data(customers: pd.DataFrame, orders: pd.DataFrame):
    return training_data(build_asset_context(), TrainingDataConfig(), customers, orders)


@pytest.fixture(scope="module")
def training() -> pd.DataFrame:
    return build_training_data(*landed({"2024-01-01": 1, "2024-01-02": 2})).value


def train_and_decide(training: pd.DataFrame, store: LocalModelStore, min_r2: float = 0.1):
    """candidate_models then champion_model for TARGET: (candidates, champion result)."""
    context = build_asset_context(partition_key=TARGET)
    candidates = candidate_models(context, FAST, training, TrainingCompute(), store).value
    result = champion_model(context, ChampionConfig(min_r2=min_r2), candidates, training, store)
    return candidates, result


def gate_of(result):
    [check] = result.check_results
    return check, {key: getattr(value, "value", value) for key, value in check.metadata.items()}


def test_training_data_joins_the_valid_cohorts_and_leaves_out_a_failing_one():
    customers, orders = landed({"2024-01-01": 1, "2024-01-02": 2, "2024-01-03": 3})
    bad = orders.index[orders[COHORT] == "2024-01-03"][:2]
    orders.loc[bad, BOX_COLUMNS[0]] = -1  # negative boxes: the cohort fails its checks
    result = build_training_data(customers, orders)
    data = result.value
    assert sorted(set(data[COHORT])) == ["2024-01-01", "2024-01-02"]
    assert len(data) == 160 and data["customer_id"].is_unique
    assert (data[BOX_COLUMNS].sum(axis=1) == data[TOTAL_BOXES]).all()
    assert set(data[SPLIT]) == {"train", "test"}
    assert result.metadata["cohorts_left_out"].value == ["2024-01-03"]
    # The split is a property of the customer: the same customers land on the same side.
    again = build_training_data(customers, orders).value
    assert (again.set_index("customer_id")[SPLIT] == data.set_index("customer_id")[SPLIT]).all()


def test_first_champion_is_the_best_candidate_stored_with_its_training_time_scaling(
    training, tmp_path
):
    store = LocalModelStore(root=str(tmp_path))
    candidates, result = train_and_decide(training, store)
    check, gate = gate_of(result)
    assert check.passed and gate["decision"] == "promote"
    assert gate["challenger"] == candidates.sort_values("r2").iloc[-1]["family"]
    champion = store.load_latest(champion_name(TARGET))
    assert (champion.version, result.metadata["version"]) == ("v1", "v1")
    assert result.metadata["promoted"] and result.metadata["family"] == gate["challenger"]
    assert champion.metadata["r2"] == pytest.approx(gate["challenger_r2"])
    train = training[training[SPLIT] == "train"]
    scaling = champion.metadata["scaling"]["sweetness_like"]["mean"]
    assert scaling == pytest.approx(train["sweetness_like"].mean())


def test_retraining_on_the_same_data_keeps_the_champion(training, tmp_path):
    store = LocalModelStore(root=str(tmp_path))
    train_and_decide(training, store)
    _, again = train_and_decide(training, store)
    check, gate = gate_of(again)
    assert check.passed and gate["decision"] == "keep"
    assert gate["gain"] <= gate["noise"]
    assert not again.metadata["promoted"] and again.metadata["previous_champion"].startswith("v1")
    assert store.load_latest(champion_name(TARGET)).version == "v1"


def test_a_champion_below_the_floor_is_refused_and_nothing_is_stored(training, tmp_path):
    store = LocalModelStore(root=str(tmp_path))
    _, result = train_and_decide(training, store, min_r2=0.99)
    check, gate = gate_of(result)
    assert not check.passed and gate["decision"] == "refuse"
    assert "below the floor 0.990" in check.description and "min_r2" in gate["rule"]
    assert result.metadata["version"] == "none"
    with pytest.raises(ModelNotFoundError):
        store.load_latest(champion_name(TARGET))


def test_new_customers_are_scaled_as_in_training_whatever_else_arrives(training, tmp_path):
    """Same attributes, same prediction, whoever else lands that day (no train/serve skew)."""
    store = LocalModelStore(root=str(tmp_path))
    for target in [*BOX_COLUMNS, TOTAL_BOXES]:  # predictions use every target's champion
        context = build_asset_context(partition_key=target)
        candidates = candidate_models(context, FAST, training, TrainingCompute(), store).value
        champion_model(context, ChampionConfig(min_r2=-1.0), candidates, training, store)
    known = generate_customers(10, 77)
    shifted = generate_customers(200, 4242).assign(sweetness_like=10, fun_spending_budget=200)

    def predicted(day: str, customers: pd.DataFrame) -> pd.DataFrame:
        new = customers.assign(**{DAY: pd.Timestamp(day)})
        context = build_asset_context(partition_key=day)
        [output, drift] = list(predictions(context, new, training, TrainingCompute(), store))
        table = output.value
        return table.pivot(index="customer_id", columns="target", values="predicted_boxes"), drift

    alone, _ = predicted("2024-06-01", known)
    among_others, drift = predicted("2024-06-02", pd.concat([known, shifted]))
    assert len(among_others) == 210
    pd.testing.assert_frame_equal(among_others.loc[alone.index], alone)
    assert not drift.passed  # the shifted customers' predictions drifted
