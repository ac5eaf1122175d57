"""Seeded trial customers and their post-trial orders, as the original demo generated them.

Red as favourite colour adds Läckerli, a sweet tooth adds Mandelbärli and Chocolate Brownies,
children add brownies, and bigger, sweeter households order more boxes overall.
Run `python -m cookie_assets.generator FOLDER --day 2024-01-05` to add a cohort.
"""

import argparse
import uuid
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from cookie_assets.contract import (
    BOX_COLUMNS,
    CATEGORIES,
    CUSTOMER_COLUMNS,
    CUSTOMER_ID,
    NUMERIC_RANGES,
    customers_file,
    new_customers_file,
    orders_file,
)

FIRST_COHORT = date(2024, 1, 1)
DEMO_COHORTS = 4
DEMO_COHORT_SIZE = 300
DEMO_NEW_CUSTOMER_DAYS = 3
DEMO_NEW_CUSTOMERS = 100


def day_seed(day: str) -> int:
    """A stable seed per cohort day, so every cohort file is reproducible."""
    return int(day.replace("-", ""))


def generate_customers(n: int, seed: int) -> pd.DataFrame:
    """`n` trial customers with uniformly drawn attributes in the contract's ranges."""
    rng = np.random.default_rng(seed)
    columns = {CUSTOMER_ID: [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]}
    for column, (low, high) in NUMERIC_RANGES.items():
        columns[column] = rng.integers(low, high + 1, n)
    for column, values in CATEGORIES.items():
        columns[column] = rng.choice(values, n)
    return pd.DataFrame(columns)[CUSTOMER_COLUMNS]


def order_probabilities(customers: pd.DataFrame) -> np.ndarray:
    """Per customer, the chance each box is Läckerli, Ringli, Mandelbärli or Brownies."""
    sweetness = customers["sweetness_like"].to_numpy() / 10
    weights = np.column_stack(
        [
            0.25 + 0.8 * (customers["favorite_color"].to_numpy() == "red"),
            np.full(len(customers), 0.25),
            0.25 + 2 * sweetness,
            0.25 + 2 * sweetness + 0.3 * customers["number_of_children"].to_numpy(),
        ]
    )
    return weights / weights.sum(axis=1, keepdims=True)


def generate_orders(customers: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One order row per customer: a random total split over the cookie types."""
    rng = np.random.default_rng(seed + 1)
    ceiling = customers["household_members"].to_numpy() + 50 * customers["sweetness_like"]
    totals = rng.integers(0, np.maximum(ceiling.to_numpy(), 1))
    boxes = np.array(
        [
            rng.multinomial(total, p)
            for total, p in zip(totals, order_probabilities(customers), strict=True)
        ]
    ).reshape(len(customers), len(BOX_COLUMNS))
    orders = pd.DataFrame(boxes, columns=BOX_COLUMNS)
    orders.insert(0, CUSTOMER_ID, customers[CUSTOMER_ID].to_numpy())
    return orders


def _write_new(path: Path, frame: pd.DataFrame) -> bool:
    """Writes a CSV unless the file exists; never overwrites what is there."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)
    return True


def write_cohort(root: Path, day: str, n: int = DEMO_COHORT_SIZE) -> list[str]:
    """Writes the customers and orders files of a cohort day; returns the files it created."""
    customers = generate_customers(n, day_seed(day))
    orders = generate_orders(customers, day_seed(day))
    written = []
    for name, frame in ((customers_file(day), customers), (orders_file(day), orders)):
        if _write_new(root / name, frame):
            written.append(name)
    return written


def write_new_customers(root: Path, day: str, n: int = DEMO_NEW_CUSTOMERS) -> list[str]:
    """Writes the new (not yet ordering) customers who arrived on `day`."""
    name = new_customers_file(day)
    customers = generate_customers(n, day_seed(day) + 7)
    return [name] if _write_new(root / name, customers) else []


def write_returning_cohort(root: Path, day: str) -> list[str]:
    """Writes the cohort files of `day` for the new customers who arrived that day, now that
    they have ordered: their predictions can be compared with their orders. Nothing when the
    day's new-customers file is missing or the cohort's files exist."""
    source = root / new_customers_file(day)
    if not source.exists() or (root / orders_file(day)).exists():
        return []
    customers = pd.read_csv(source)
    files = {
        customers_file(day): customers,
        orders_file(day): generate_orders(customers, day_seed(day) + 7),
    }
    return [name for name, frame in files.items() if _write_new(root / name, frame)]


def seed_landing_folder(root: Path, today: date | None = None) -> list[str]:
    """Fills an empty local landing folder with demo cohorts, recent new customers, and the
    orders of the earliest day's new customers (a later cohort file, as if their trial ended).

    Idempotent: files that exist are never rewritten. Returns the files created.
    """
    today = today or date.today()
    written = []
    for offset in range(DEMO_COHORTS):
        written += write_cohort(root, (FIRST_COHORT + timedelta(days=offset)).isoformat())
    new_customer_days = [
        (today - timedelta(days=offset)).isoformat()
        for offset in range(1, DEMO_NEW_CUSTOMER_DAYS + 1)
    ]
    for day in new_customer_days:
        written += write_new_customers(root, day)
    written += write_returning_cohort(root, min(new_customer_days))
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="landing folder (…/local_data/landing/cookie)")
    parser.add_argument("--day", default=date.today().isoformat(), help="cohort day YYYY-MM-DD")
    parser.add_argument("--customers", type=int, default=DEMO_COHORT_SIZE)
    parser.add_argument(
        "--new-customers", action="store_true", help="write new customers (no orders) instead"
    )
    args = parser.parse_args(argv)
    if args.new_customers:
        written = write_new_customers(args.root, args.day, args.customers)
    else:
        written = write_cohort(args.root, args.day, args.customers)
    print("\n".join(written) or "nothing written: the files exist")


if __name__ == "__main__":
    main()
