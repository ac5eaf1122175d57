"""How stable the champion choice is: cross-validated vs holdout R² per target and family.

Runs `cookie_assets.modeling.evaluate_candidates` for 10 seeds on (a) the generated demo cohorts
(4 × 300 customers) and (b) a 100-customer sample of them, the size of the original demo's
files. Each seed stands for one retraining on the same customers, so any change of champion is
noise. Flip rate: the share of the retrainings (seed k → k + 1) that change the champion, under
the OLD rule (best holdout R²), the NEW choice among fresh candidates alone (best CV R²) and the
NEW rule as deployed (that choice through the champion gate, the previous champion re-validated
on the same folds). Forest and boosting use 50 trees instead of 200 to keep the run to a few
minutes.
Run: .venv/bin/python benchmarks/cookie_model_quality.py [seeds]
"""

import itertools
import sys
import time
from datetime import timedelta

import pandas as pd

from cookie_assets.assets.models import ChampionConfig
from cookie_assets.generator import (
    DEMO_COHORT_SIZE,
    DEMO_COHORTS,
    FIRST_COHORT,
    day_seed,
    generate_customers,
    generate_orders,
)
from cookie_assets.modeling import evaluate_candidates
from cookie_assets.modeling.champion import PROMOTE, decide_champion
from cookie_assets.modeling.cross_validation import validated_by_family

N_ESTIMATORS = 50
SMALL_SAMPLE = 100


def generated_cohorts(count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers, orders = [], []
    for offset in range(count):
        seed = day_seed((FIRST_COHORT + timedelta(days=offset)).isoformat())
        cohort = generate_customers(DEMO_COHORT_SIZE, seed)
        customers.append(cohort)
        orders.append(generate_orders(cohort, seed))
    return pd.concat(customers, ignore_index=True), pd.concat(orders, ignore_index=True)


def flip_rate(champions: list[str]) -> float:
    """Share of consecutive retrainings whose champion differs from the one before."""
    return sum(a != b for a, b in itertools.pairwise(champions)) / (len(champions) - 1)


def gated_champions(evaluations: list[pd.DataFrame]) -> list[str]:
    """The champion after each retraining when every challenger goes through the gate."""
    champion = None
    history = []
    for candidates in evaluations:
        validated = validated_by_family(candidates)
        gate = decide_champion(validated, validated.get(champion), ChampionConfig().min_r2)
        if gate.decision == PROMOTE:
            champion = gate.challenger
        history.append(champion or "none")
    return history


def champions_by_seed(customers: pd.DataFrame, orders: pd.DataFrame, seeds: int) -> pd.DataFrame:
    """Per target: the champions of each retraining under each rule; prints seed 0's figures."""
    evaluations = []
    for seed in range(seeds):
        evaluations.append(evaluate_candidates(customers, orders, seed, n_estimators=N_ESTIMATORS))
        if seed == 0:
            print(figures_table(evaluations[0]))
    rows = []
    for target in evaluations[0]["target"].unique():
        per_seed = [e[e["target"] == target] for e in evaluations]
        rows.append(
            {
                "target": target,
                "old": [c.loc[c["holdout_r2"].idxmax(), "family"] for c in per_seed],
                "new": [c.loc[c["champion"], "family"].item() for c in per_seed],
                "new_gated": gated_champions(per_seed),
            }
        )
    return pd.DataFrame(rows).set_index("target")


def figures_table(results: pd.DataFrame) -> str:
    cv = results["r2"].map("{:.3f}".format) + " ± " + results["r2_std"].map("{:.3f}".format)
    table = results.assign(cv_r2=cv, holdout_r2=results["holdout_r2"].round(3))
    table["champion"] = table["champion"].map({True: "new rule", False: ""})
    best_holdout = table.groupby("target")["holdout_r2"].transform("max") == table["holdout_r2"]
    table.loc[best_holdout, "champion"] += " old rule"
    return table[["target", "family", "cv_r2", "holdout_r2", "champion"]].to_markdown(index=False)


def stability(champions: pd.DataFrame) -> pd.DataFrame:
    """Per target: each rule's flip rate, and its champions with how many seeds chose them."""
    table = pd.DataFrame(index=champions.index)
    for rule in champions.columns:
        table[f"{rule} flips"] = champions[rule].map(flip_rate)
    for rule in champions.columns:
        table[f"{rule} champions"] = champions[rule].map(
            lambda history: ", ".join(
                f"{f} {n}" for f, n in pd.Series(history).value_counts().items()
            )
        )
    table.loc["mean"] = [*table.filter(like="flips").mean(), *[""] * len(champions.columns)]
    return table


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    customers, orders = generated_cohorts(DEMO_COHORTS)
    small = customers.sample(SMALL_SAMPLE, random_state=0)
    datasets = {
        f"(a) {DEMO_COHORTS} × {DEMO_COHORT_SIZE} customers": customers,
        f"(b) {SMALL_SAMPLE}-customer sample": small,
    }
    for name, sample in datasets.items():
        start = time.perf_counter()
        print(f"\n## {name}, seed 0 ({N_ESTIMATORS} trees)\n")
        champions = champions_by_seed(sample, orders, seeds)
        print(f"\n## {name}: champion flips across {seeds} seeds\n")
        print(stability(champions).round(3).to_markdown())
        print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
