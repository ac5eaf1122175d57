"""Choosing the champion per target, and the gate a challenger must pass to replace it.

Both decide on cross-validated R², never on one small holdout: a difference smaller than the
noise of the comparison (the combined standard error) changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cookie_assets.modeling.candidates import FAMILIES
from cookie_assets.modeling.cross_validation import CrossValidated

KEEP, PROMOTE, REFUSE = "keep", "promote", "refuse"
Decision = Literal["keep", "promote", "refuse"]

RULE = (
    "The challenger is the candidate with the best cross-validated R² (ties: the simpler family); "
    "it replaces the champion (re-validated on the same folds) only if its CV R² is higher by "
    "more than √(se_challenger² + se_champion²), and it is promoted only if its CV R² reaches "
    "min_r2."
)


def best_candidate(candidates: Mapping[str, CrossValidated]) -> str:
    """The family with the best cross-validated R²; on a tie, the simpler family."""
    return max(candidates, key=lambda family: (candidates[family].r2, -FAMILIES.index(family)))


@dataclass(frozen=True)
class GateDecision:
    """What the champion gate decided for one target (keep the champion, promote the
    challenger, or refuse it), why, and the figures it compared."""

    decision: Decision
    challenger: str
    reasons: tuple[str, ...]
    figures: dict[str, float]

    @property
    def passed(self) -> bool:
        """Whether the gate passes: only a refusal fails it (the champion stays in use)."""
        return self.decision != REFUSE

    @property
    def summary(self) -> str:
        return f"{self.decision}: " + "; ".join(self.reasons)


def decide_champion(
    candidates: Mapping[str, CrossValidated], champion: CrossValidated | None, min_r2: float
) -> GateDecision:
    """The gate's decision on the best candidate against the current champion (None: none yet).

    keep: the challenger is not better by more than the noise; promote: it is (or there is no
    champion) and it reaches `min_r2`; refuse: it would replace the champion but misses the floor.
    """
    challenger = best_candidate(candidates)
    skill = candidates[challenger]
    figures = {"challenger_r2": skill.r2, "challenger_r2_std": skill.r2_std, "min_r2": min_r2}
    below_floor = skill.r2 < min_r2
    floor_reason = (
        f"{challenger}'s CV R² {skill.r2:.3f} ± {skill.r2_std:.3f} is "
        f"{'below' if below_floor else 'at or above'} the floor {min_r2:.3f}"
    )
    if champion is None:
        return GateDecision(
            REFUSE if below_floor else PROMOTE,
            challenger,
            ("no current champion", floor_reason),
            figures,
        )
    gain = skill.r2 - champion.r2
    noise = math.hypot(skill.r2_std, champion.r2_std)
    figures |= {
        "champion_r2": champion.r2,
        "champion_r2_std": champion.r2_std,
        "gain": gain,
        "noise": noise,
    }
    comparison = (
        f"{challenger}'s CV R² {skill.r2:.3f} is {gain:+.3f} against the champion's "
        f"{champion.r2:.3f} ± {champion.r2_std:.3f}; the noise is {noise:.3f}"
    )
    if gain <= noise:
        return GateDecision(KEEP, challenger, (comparison,), figures)
    return GateDecision(
        REFUSE if below_floor else PROMOTE, challenger, (comparison, floor_reason), figures
    )
