"""Choosing the champion per target and the gate a new champion must pass."""

INCUMBENT = "current_champion"


def choose_champion(candidate_r2: dict[str, float], incumbent_r2: float | None = None) -> str:
    """The name with the best holdout R²; the current champion wins ties (no needless churn)."""
    scores = dict(candidate_r2)
    if incumbent_r2 is not None:
        scores[INCUMBENT] = incumbent_r2
    best = max(scores.values())
    if incumbent_r2 is not None and incumbent_r2 >= best:
        return INCUMBENT
    return next(name for name, r2 in scores.items() if r2 == best)


def gate_refusals(r2: float, incumbent_r2: float | None, min_r2: float) -> list[str]:
    """Why a new champion must not be promoted (empty: it may)."""
    reasons = []
    if r2 < min_r2:
        reasons.append(f"holdout R² {r2:.3f} is below the floor {min_r2:.3f}")
    if incumbent_r2 is not None and r2 < incumbent_r2:
        reasons.append(
            f"holdout R² {r2:.3f} is worse than the current champion's {incumbent_r2:.3f}"
        )
    return reasons
