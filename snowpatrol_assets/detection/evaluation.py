"""How well a detector's flags match labelled anomalies: the figures a FinOps team cares about.

Precision: the share of alerted warehouse-days that were real anomalies. Recall: the share of
anomalous warehouse-days alerted. Event recall: the share of anomalies (consecutive anomalous
days of one warehouse) alerted on at least one day. False alerts per 1,000 ordinary
warehouse-days: how often the channel cries wolf.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd

WarehouseDay = tuple[Hashable, pd.Timestamp]


@dataclass(frozen=True)
class DetectionQuality:
    precision: float
    recall: float
    event_recall: float
    false_alerts_per_1000: float
    flagged: int
    labelled: int
    events: int
    events_caught: int

    def meets(self, targets: "QualityTargets") -> bool:
        return (
            self.precision >= targets.precision
            and self.event_recall >= targets.event_recall
            and self.false_alerts_per_1000 <= targets.false_alerts_per_1000
        )

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and event recall: one figure to rank detectors by."""
        total = self.precision + self.event_recall
        return 2 * self.precision * self.event_recall / total if total else 0.0


@dataclass(frozen=True)
class QualityTargets:
    """What a detector must reach on the labels before its alerts are trusted."""

    precision: float = 0.85
    event_recall: float = 0.90
    false_alerts_per_1000: float = 2.0


def detection_quality(
    flagged: set[WarehouseDay], labelled: set[WarehouseDay], scored_days: int
) -> DetectionQuality:
    """Quality of `flagged` warehouse-days against `labelled` ones, out of `scored_days`."""
    events = labelled_events(labelled)
    caught = sum(any(day in flagged for day in event) for event in events)
    ordinary_days = max(scored_days - len(labelled), 1)
    hits = len(flagged & labelled)
    return DetectionQuality(
        precision=hits / len(flagged) if flagged else 1.0,
        recall=hits / len(labelled) if labelled else 1.0,
        event_recall=caught / len(events) if events else 1.0,
        false_alerts_per_1000=1000 * len(flagged - labelled) / ordinary_days,
        flagged=len(flagged),
        labelled=len(labelled),
        events=len(events),
        events_caught=caught,
    )


def labelled_events(labelled: set[WarehouseDay]) -> list[list[WarehouseDay]]:
    """Consecutive labelled days of one warehouse form one event."""
    events: list[list[WarehouseDay]] = []
    for key, day in sorted(labelled, key=lambda kd: (str(kd[0]), kd[1])):
        last = events[-1][-1] if events else None
        if last is not None and last[0] == key and day - last[1] == timedelta(days=1):
            events[-1].append((key, day))
        else:
            events.append([(key, day)])
    return events
