"""Training data: customers joined with their orders, the total, and a seeded holdout split."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from cookie_assets.contract import BOX_COLUMNS, CUSTOMER_ID, TOTAL_BOXES

if TYPE_CHECKING:
    import pandas as pd

SPLIT = "split"
TEST_SHARE = 0.2


def join_training_data(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer with their attributes, box counts and `total_boxes`."""
    joined = customers.merge(orders, on=CUSTOMER_ID, how="inner", suffixes=("", "_order"))
    joined[TOTAL_BOXES] = joined[BOX_COLUMNS].sum(axis=1)
    return joined


def assign_split(customer_ids: pd.Series, seed: int, test_share: float = TEST_SHARE) -> pd.Series:
    """`train` or `test` per customer, from a seeded hash of the id.

    Unlike the original `RANDOM()` split this is reproducible, and a customer keeps their side
    when new cohorts arrive, so the holdout never leaks into training.
    """

    def bucket(customer_id: str) -> float:
        digest = hashlib.sha256(f"{seed}:{customer_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    is_test = customer_ids.astype(str).map(bucket) < test_share
    return is_test.map({True: "test", False: "train"}).astype("string")


def split_frames(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The train and test rows of training data that carries a `split` column."""
    return data[data[SPLIT] == "train"], data[data[SPLIT] == "test"]
