"""Markdown for the daily anomaly report and its alerts."""

from collections.abc import Iterable

from mlops_common.markdown import md_cell


def anomaly_table(anomalies: Iterable[dict]) -> str:
    """A Markdown table: warehouse, day, credits, expected credits, excess credits, score."""
    lines = [
        "| Account | Warehouse | Day | Credits | Expected | Excess | Score |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for a in anomalies:
        lines.append(
            f"| {md_cell(a['account'])} | {md_cell(a['warehouse'])} | {a['day']} "
            f"| {a['credits']:.2f} | {a['expected']:.2f} | {a['excess']:.2f} | {a['score']:.3f} |"
        )
    return "\n".join(lines)


def report_markdown(
    report_day: str,
    window_start: str,
    anomalies: list[dict],
    scored_warehouses: int,
    not_scored: dict[str, str],
) -> str:
    """The whole report: a summary line, the anomaly table, and warehouses left out."""
    excess = sum(a["excess"] for a in anomalies)
    parts = [
        f"# Snowflake usage anomalies, {window_start} to {report_day}",
        f"**{len(anomalies)} anomalous warehouse-days** across {scored_warehouses} scored "
        f"warehouses, **{excess:.1f} credits** above expected.",
    ]
    if anomalies:
        parts.append(anomaly_table(anomalies))
    else:
        parts.append("No anomalous usage in this window.")
    if not_scored:
        parts.append("## Not scored")
        parts.append("\n".join(f"- {md_cell(k)}: {why}" for k, why in sorted(not_scored.items())))
    return "\n\n".join(parts) + "\n"
