"""Holdout R² per target of every model family, the champion, and LassoCV alone (the original).

Runs `cookie_assets.modeling.evaluate_candidates` on generated cohorts, the same data the local
landing folder starts with. Run: .venv/bin/python benchmarks/cookie_model_quality.py [cohorts]
"""

import sys
import time
from datetime import timedelta

import pandas as pd

from cookie_assets.generator import (
    DEMO_COHORT_SIZE,
    FIRST_COHORT,
    day_seed,
    generate_customers,
    generate_orders,
)
from cookie_assets.modeling import evaluate_candidates
from cookie_assets.modeling.candidates import LASSO_CV


def generated_cohorts(count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers, orders = [], []
    for offset in range(count):
        seed = day_seed((FIRST_COHORT + timedelta(days=offset)).isoformat())
        cohort = generate_customers(DEMO_COHORT_SIZE, seed)
        customers.append(cohort)
        orders.append(generate_orders(cohort, seed))
    return pd.concat(customers, ignore_index=True), pd.concat(orders, ignore_index=True)


def main() -> None:
    cohorts = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    customers, orders = generated_cohorts(cohorts)
    start = time.perf_counter()
    results = evaluate_candidates(customers, orders, seed=0)
    seconds = time.perf_counter() - start
    table = results.pivot(index="target", columns="family", values="r2")
    champions = results[results["champion"]].set_index("target")
    table["champion"] = champions["family"]
    table["champion_r2"] = champions["r2"]
    table["lasso_cv_alone"] = table[LASSO_CV]
    table["gain_vs_lasso"] = table["champion_r2"] - table["lasso_cv_alone"]
    print(f"{cohorts} cohorts × {DEMO_COHORT_SIZE} customers, seed 0, {seconds:.1f} s")
    print(table.reindex(results["target"].unique()).round(3).to_markdown())


if __name__ == "__main__":
    main()
