"""Which detection method is champion: the incumbent, unless a challenger is clearly better."""

from dataclasses import dataclass

from snowpatrol_assets.detection.evaluation import DetectionQuality, QualityTargets

MIN_PRECISION = 0.5
"""Below this precision the champion's alerts are mostly wrong: the gate then blocks training
(below the targets but above this, it warns and training goes on with the best method)."""

MIN_F1_GAIN = 0.02
"""A challenger must rank higher than the champion by more than this (F1 of precision and
event recall) to replace it: smaller gaps are noise in a few hundred labels."""


@dataclass(frozen=True)
class Election:
    champion: str
    decision: str  # keep | promote | no_labels
    trusted: bool  # the champion meets the targets (or nothing can be measured yet)
    rule: str
    reasons: tuple[str, ...]
    unusable: bool = False  # the champion's precision is below MIN_PRECISION: block training


def elect_champion(
    quality: dict[str, DetectionQuality],
    incumbent: str,
    targets: QualityTargets,
    has_labels: bool,
) -> Election:
    """Keeps `incumbent` unless a challenger meets `targets` and beats its F1 by MIN_F1_GAIN."""
    rule = (
        f"promote a challenger that meets precision >= {targets.precision}, event recall >= "
        f"{targets.event_recall} and <= {targets.false_alerts_per_1000} false alerts per 1,000 "
        f"ordinary days, and beats the champion's F1 by more than {MIN_F1_GAIN}"
    )
    if not has_labels:
        return Election(incumbent, "no_labels", True, rule, ("no labelled anomalies yet",))
    current = quality.get(incumbent)
    best = max(quality, key=lambda m: (quality[m].meets(targets), quality[m].f1))
    better = (
        best != incumbent
        and quality[best].meets(targets)
        and (current is None or quality[best].f1 > current.f1 + MIN_F1_GAIN)
    )
    champion = best if better else incumbent
    reasons = _shortfalls(champion, quality[champion], targets)
    unusable = quality[champion].precision < MIN_PRECISION
    decision = "promote" if better else "keep"
    return Election(champion, decision, not reasons, rule, reasons, unusable)


def _shortfalls(method: str, q: DetectionQuality, targets: QualityTargets) -> tuple[str, ...]:
    found = []
    if q.precision < targets.precision:
        found.append(f"{method}: precision {q.precision:.3f} < {targets.precision}")
    if q.event_recall < targets.event_recall:
        found.append(f"{method}: event recall {q.event_recall:.3f} < {targets.event_recall}")
    if q.false_alerts_per_1000 > targets.false_alerts_per_1000:
        found.append(
            f"{method}: {q.false_alerts_per_1000:.2f} false alerts per 1,000 ordinary days > "
            f"{targets.false_alerts_per_1000}"
        )
    return tuple(found)
