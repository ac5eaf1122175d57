"""A bar chart comparing detection methods on the labelled anomalies."""

import pandas as pd

from mlops_common.figures import new_figure, png_bytes

FIGURES = {"PRECISION": "precision", "RECALL": "recall", "EVENT_RECALL": "event recall"}


def evaluation_chart(table: pd.DataFrame) -> bytes:
    """Precision, recall and event recall per method (left), false alerts per 1,000 ordinary
    warehouse-days (right); the champion's name is marked."""
    figure, (quality_axis, noise_axis) = new_figure(1, 2, figsize=(10, 3.2))
    methods = [
        f"{m} (champion)" if champion else m
        for m, champion in zip(table["METHOD"], table["CHAMPION"], strict=True)
    ]
    width = 0.8 / len(FIGURES)
    for i, (column, label) in enumerate(FIGURES.items()):
        positions = [p + i * width for p in range(len(table))]
        quality_axis.bar(positions, table[column], width=width, label=label)
    quality_axis.set_xticks([p + width for p in range(len(table))], methods, fontsize=8)
    quality_axis.set_ylim(0, 1.25)
    quality_axis.legend(fontsize=8, loc="upper center", ncol=3, frameon=False)
    quality_axis.set_title("Anomalies found (higher is better)", fontsize=10)
    noise_axis.bar(methods, table["FALSE_ALERTS_PER_1000"], color="#D62728")
    noise_axis.set_title("False alerts per 1,000 ordinary days (lower is better)", fontsize=10)
    noise_axis.tick_params(axis="x", labelsize=8)
    return png_bytes(figure)
