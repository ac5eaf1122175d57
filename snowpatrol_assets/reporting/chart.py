"""A PNG of daily credits per warehouse with expected usage and the anomalies marked."""

import pandas as pd

from mlops_common.figures import new_figure, png_bytes

MAX_PANELS = 6


def usage_chart(
    scores: pd.DataFrame, anomalies: list[dict], since: pd.Timestamp, window_start: pd.Timestamp
) -> bytes:
    """One panel per warehouse whose anomalies in the report window cost the most (at most
    six), from `since`, with the report window shaded and one legend for the figure.

    `scores` holds WAREHOUSE_KEY, USAGE_DATE, CREDITS_USED, EXPECTED_CREDITS and IS_ANOMALY.
    """
    cost_by_key: dict[str, float] = {}
    names: dict[str, str] = {}
    for a in anomalies:
        cost_by_key[a["key"]] = cost_by_key.get(a["key"], 0.0) + a["excess_cost"]
        names[a["key"]] = f"{a['account']} / {a['warehouse']}"
    keys = sorted(cost_by_key, key=cost_by_key.get, reverse=True)[:MAX_PANELS]
    panels = max(len(keys), 1)
    figure, axes = new_figure(panels, figsize=(10, 2.3 * panels + 0.6), squeeze=False)
    if not keys:
        axes[0][0].text(0.5, 0.5, "No anomalies in this window", ha="center", va="center")
        axes[0][0].set_axis_off()
        return png_bytes(figure, dpi=90)
    for axis, key in zip(axes[:, 0], keys, strict=False):
        rows = scores[(scores["WAREHOUSE_KEY"] == key) & (scores["USAGE_DATE"] >= since)]
        rows = rows.sort_values("USAGE_DATE")
        axis.axvspan(window_start, rows["USAGE_DATE"].max(), color="#f2f2f2", label="report window")
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
        title = f"{names[key][:70]}  ({cost_by_key[key]:,.0f} {anomalies[0]['currency']} excess)"
        axis.set_title(title, loc="left", fontsize=10)
        axis.set_ylabel("credits / day")
    height = figure.get_figheight()
    figure.suptitle(
        f"The {len(keys)} warehouses whose anomalies cost most in the report window",
        y=1 - 0.12 / height,
        fontsize=10,
    )
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, 1 - 0.35 / height),
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    return png_bytes(figure, dpi=90, top=1 - 0.65 / height)
