"""A PNG of daily credits per warehouse with expected usage and the anomalies marked."""

import pandas as pd

from mlops_common.figures import new_figure, png_bytes

MAX_PANELS = 6


def usage_chart(scores: pd.DataFrame, anomalies: list[dict], since: pd.Timestamp) -> bytes:
    """One panel per warehouse with the most excess credits in the report window (at most six).

    `scores` holds WAREHOUSE_KEY, USAGE_DATE, CREDITS_USED, EXPECTED_CREDITS and IS_ANOMALY.
    """
    excess_by_key: dict[str, float] = {}
    for a in anomalies:
        excess_by_key[a["key"]] = excess_by_key.get(a["key"], 0.0) + a["excess"]
    keys = sorted(excess_by_key, key=excess_by_key.get, reverse=True)[:MAX_PANELS]
    panels = max(len(keys), 1)
    figure, axes = new_figure(panels, figsize=(10, 2.4 * panels), squeeze=False)
    if not keys:
        axes[0][0].text(0.5, 0.5, "No anomalies in this window", ha="center", va="center")
        axes[0][0].set_axis_off()
    for axis, key in zip(axes[:, 0], keys, strict=False):
        rows = scores[(scores["WAREHOUSE_KEY"] == key) & (scores["USAGE_DATE"] >= since)]
        rows = rows.sort_values("USAGE_DATE")
        axis.plot(rows["USAGE_DATE"], rows["CREDITS_USED"], color="#29B5E8", label="credits used")
        axis.plot(
            rows["USAGE_DATE"], rows["EXPECTED_CREDITS"], color="#888888", ls="--", label="expected"
        )
        flagged = rows[rows["IS_ANOMALY"]]
        axis.scatter(
            flagged["USAGE_DATE"],
            flagged["CREDITS_USED"],
            color="#D62728",
            zorder=3,
            label="anomaly",
        )
        axis.set_title(key, loc="left", fontsize=10)
        axis.set_ylabel("credits / day")
        axis.legend(loc="upper left", fontsize=8)
    return png_bytes(figure, dpi=90)


def training_chart(days: pd.DataFrame, scores: pd.Series, threshold: float, title: str) -> bytes:
    """Training view of one warehouse: credits against trend, and scores against the threshold."""
    figure, (usage_axis, score_axis) = new_figure(2, figsize=(9, 4.5), sharex=True)
    usage_axis.plot(days.index, days["credits"], color="#29B5E8", label="credits used")
    usage_axis.plot(days.index, days["trend"], color="#888888", ls="--", label="trend")
    usage_axis.set_title(title, loc="left", fontsize=10)
    usage_axis.legend(loc="upper left", fontsize=8)
    score_axis.plot(scores.index, scores, color="#555555", lw=0.8, label="score")
    score_axis.axhline(threshold, color="#D62728", ls=":", label="anomaly threshold")
    score_axis.legend(loc="lower left", fontsize=8)
    return png_bytes(figure, dpi=80)
