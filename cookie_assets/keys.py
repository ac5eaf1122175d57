"""Every cookie asset key, in one place.

The assets are defined under their names (the functions in `assets/`, whose parameters name
their inputs); the location loads them with the key prefix PREFIX
(`load_assets_from_modules(..., key_prefix=PREFIX)`), which prefixes their inputs and checks
too. Sensors, the demo, alerts and tests refer to the assets by these keys.
"""

from dagster import AssetKey

PREFIX = "cookie"


def _key(name: str) -> AssetKey:
    return AssetKey([PREFIX, name])


TRIAL_CUSTOMERS = _key("trial_customers")
ORDERS = _key("orders")
TRAINING_DATA = _key("training_data")
CANDIDATE_MODELS = _key("candidate_models")
CHAMPION_MODEL = _key("champion_model")
NEW_CUSTOMERS = _key("new_customers")
PREDICTIONS = _key("predictions")
BAKE_PLAN = _key("bake_plan")
REALISED_ACCURACY = _key("realised_accuracy")
ALL = [
    TRIAL_CUSTOMERS,
    ORDERS,
    TRAINING_DATA,
    CANDIDATE_MODELS,
    CHAMPION_MODEL,
    NEW_CUSTOMERS,
    PREDICTIONS,
    BAKE_PLAN,
    REALISED_ACCURACY,
]
