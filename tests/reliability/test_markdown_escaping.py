"""Data never breaks a Markdown table: newlines and `|` in names and values are escaped in the
report, the alerts and the check metadata."""

import pandas as pd

from cookie_assets.validation import Issue, issues_table
from mlops_common.markdown import md_cell
from mlops_common.slack_alerts import to_slack_mrkdwn
from snowpatrol_assets.reporting.markdown import anomaly_table, report_markdown
from snowpatrol_assets.usage.validation import describe_rows

HOSTILE = "ETL | NIGHTLY\nWH `x` \\"


def anomaly(warehouse: str) -> dict:
    return {
        "account": "ACME|PROD",
        "warehouse": warehouse,
        "day": "2026-01-05",
        "credits": 50.0,
        "expected": 10.0,
        "excess": 40.0,
        "score": 4.0,
        "excess_cost": 120.0,
        "currency": "USD",
    }


def table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def cells(row: str) -> int:
    """Cells of a Markdown table row, counting only unescaped pipes."""
    unescaped = row.replace("\\\\", "").replace("\\|", "")
    return unescaped.count("|") - 1


def test_a_hostile_warehouse_name_stays_in_its_cell_of_the_anomaly_table():
    rows = table_rows(anomaly_table([anomaly(HOSTILE), anomaly("BI_WH")]))
    assert len(rows) == 4
    assert {cells(r) for r in rows} == {7}


def test_the_report_keeps_one_line_per_anomaly_and_per_unscored_warehouse():
    markdown = report_markdown(
        "2026-01-31", "2026-01-02", [anomaly(HOSTILE)], 3, {f"ACME / {HOSTILE}": "dropped"}
    )
    assert len(table_rows(markdown)) == 3
    not_scored = markdown.split("## Not scored", 1)[1].strip().splitlines()
    assert len(not_scored) == 1 and not_scored[0].startswith("- ACME / ETL \\| NIGHTLY WH")


def test_slack_shows_the_name_unescaped_inside_its_code_block_on_one_line():
    text = to_slack_mrkdwn(anomaly_table([anomaly(HOSTILE)]))
    row = [line for line in text.splitlines() if "NIGHTLY" in line]
    assert row == [
        "| ACME|PROD | ETL | NIGHTLY WH 'x' \\ | 2026-01-05 | 50.0 | 10.0 | 40.0 | 120.00 USD |"
    ]


def test_offending_metering_rows_are_one_list_item_each():
    rows = pd.DataFrame({"WAREHOUSE_NAME": [HOSTILE, "BI_WH"], "CREDITS_USED": [-1.0, -2.0]})
    listing = describe_rows(rows, ["WAREHOUSE_NAME", "CREDITS_USED"])
    assert len(listing.splitlines()) == 2 and all(
        line.startswith("- ") for line in listing.splitlines()
    )


def test_a_csv_value_with_a_pipe_stays_in_its_cell_of_the_issues_table():
    table = issues_table([Issue(7, "favorite_color", "red|blue\nand more", "unknown category")])
    assert [cells(r) for r in table_rows(table)] == [4, 4, 4]


def test_md_cell_leaves_ordinary_text_alone():
    assert md_cell("ACME_PROD/ETL_NIGHTLY_WH 12.5") == "ACME_PROD/ETL_NIGHTLY_WH 12.5"
