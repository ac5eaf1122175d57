"""Markdown for the daily anomaly report and its alerts."""

from collections.abc import Iterable

from mlops_common.markdown import md_cell

CONTRIBUTOR_SECTIONS = 10
"""The report explains its ten costliest anomalies (the table lists them all)."""


def money(amount: float, currency: str) -> str:
    """An amount of money as a reader expects it: `1,234.50 USD`."""
    return f"{amount:,.2f} {currency}"


def anomaly_table(anomalies: Iterable[dict]) -> str:
    """A Markdown table: warehouse, day, credits used, expected and in excess, and the excess
    cost in currency."""
    lines = [
        "| Account | Warehouse | Day | Credits | Expected | Excess | Excess cost |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for a in anomalies:
        lines.append(
            f"| {md_cell(a['account'])} | {md_cell(a['warehouse'])} | {a['day']} "
            f"| {a['credits']:,.1f} | {a['expected']:,.1f} | {a['excess']:,.1f} "
            f"| {money(a['excess_cost'], md_cell(a['currency']))} |"
        )
    return "\n".join(lines)


def contributor_lines(anomaly: dict) -> list[str]:
    """`- user ANNA (new): 120.3 credits, 63 % of the excess` for an anomaly's contributors."""
    lines = []
    for c in anomaly.get("contributors", []):
        share = f", {c['share']:.0%} of the excess" if c.get("share") is not None else ""
        change = f" ({c['change']})" if c.get("change") else ""
        lines.append(
            f"- {md_cell(c['dimension'])} `{md_cell(c['name'])}`{change}: "
            f"{c['credits']:,.1f} credits (typically {c['typical']:,.1f}){share}"
        )
    return lines


def report_markdown(
    report_day: str,
    window_start: str,
    anomalies: list[dict],
    scored_warehouses: int,
    not_scored: dict[str, str],
    outlook: list[str] = (),
) -> str:
    """The whole report: a summary line, the anomaly table, who and what spent the excess of
    the costliest anomalies, the month-end outlook, and warehouses left out."""
    excess = sum(a["excess"] for a in anomalies)
    parts = [
        f"# Snowflake usage anomalies, {window_start} to {report_day}",
        f"**{len(anomalies)} anomalous warehouse-days** across {scored_warehouses} scored "
        f"warehouses, **{excess:,.1f} credits** above expected{cost_phrase(anomalies)}.",
    ]
    if anomalies:
        parts.append(anomaly_table(anomalies))
        parts.append("## Who and what spent the excess")
        costliest = sorted(anomalies, key=lambda a: -a["excess_cost"])[:CONTRIBUTOR_SECTIONS]
        for a in costliest:
            cost = money(a["excess_cost"], md_cell(a["currency"]))
            heading = (
                f"**{md_cell(a['account'])} / {md_cell(a['warehouse'])}, {a['day']}**: "
                f"{a['excess']:,.1f} credits above expected ({cost})"
            )
            parts.append("\n".join([heading, *contributor_lines(a)]))
    else:
        parts.append("No anomalous usage in this window.")
    if outlook:
        parts.append("## Month-end outlook")
        parts.append("\n".join(outlook))
    if not_scored:
        parts.append("## Not scored")
        parts.append("\n".join(f"- {md_cell(k)}: {why}" for k, why in sorted(not_scored.items())))
    return "\n\n".join(parts) + "\n"


def cost_phrase(anomalies: list[dict]) -> str:
    """`, costing 1,234.50 USD` (one amount per currency), or nothing without anomalies."""
    totals: dict[str, float] = {}
    for a in anomalies:
        totals[a["currency"]] = totals.get(a["currency"], 0.0) + a["excess_cost"]
    if not totals:
        return ""
    return ", costing " + " + ".join(money(v, md_cell(c)) for c, v in sorted(totals.items()))
