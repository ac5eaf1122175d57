"""Raw cohort files from the landing zone, one partition per cohort day, checked on arrival."""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, Failure, Output, asset

from cookie_assets.checks import (
    ORDERS,
    TRIAL_CUSTOMERS,
    failure_summary,
    file_check_results,
    file_check_specs,
)
from cookie_assets.contract import (
    COHORT,
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    customers_file,
    orders_file,
)
from cookie_assets.frames import Frame
from cookie_assets.landing import LandingZone
from cookie_assets.location import TABLE_KINDS
from cookie_assets.partitions import cohorts
from cookie_assets.validation import (
    CUSTOMER_CHECKS,
    ORDER_CHECKS,
    Issue,
    customer_issues,
    order_issues,
    parse_csv,
)
from mlops_common.alerting import AlertSink

GROUP = "cookie_landing"


def read_landing_file(
    landing: LandingZone, path: str, columns: list[str]
) -> tuple[Frame, list[Issue], str]:
    """A landing file as a typed frame, its schema issues, and where it was read from."""
    frame, schema = parse_csv(landing.read_bytes(path), columns)
    return frame, schema, landing.describe(path)


def _stored(frame: Frame, cohort: str, location: str) -> Output:
    return Output(frame.assign(**{COHORT: cohort}), metadata={"file": location, "rows": len(frame)})


def refuse_unreadable(location: str, schema: list[Issue]) -> None:
    """A file that is not CSV at all is not stored: storing nothing would replace the rows the
    cohort already has. The run fails naming the file instead."""
    unreadable = [issue.problem for issue in schema if issue.problem.startswith("malformed CSV")]
    if unreadable:
        raise Failure(
            description=f"{location} cannot be read ({unreadable[0]}); nothing was stored and "
            "the rows this cohort already had are kept. Re-upload a corrected file.",
        )


def report_checks(
    asset: AssetKey, location: str, issues: dict[str, list[Issue]], alerts: AlertSink
) -> Iterator:
    summary = failure_summary(location, issues)
    if summary:
        alerts.send(f"cookie: bad landing file {location.rsplit('/', 1)[-1]}", summary)
    yield from file_check_results(asset, location, issues)


@asset(
    key=TRIAL_CUSTOMERS,
    partitions_def=cohorts,
    group_name=GROUP,
    kinds=TABLE_KINDS,
    metadata={"partition_expr": COHORT},
    check_specs=file_check_specs(TRIAL_CUSTOMERS, CUSTOMER_CHECKS, cohorts, blocking=False),
)
def trial_customers(
    context: AssetExecutionContext, landing: LandingZone, alerts: AlertSink
) -> Iterator:
    """Trial customers of one cohort day as uploaded: household, children, tastes and budget.

    A file with bad rows is still stored (so nothing is silently dropped) but fails its checks,
    and the cohort is left out of training until a corrected file is re-uploaded. A file that is
    not CSV at all fails the run and leaves the cohort's stored rows as they were.
    """
    path = customers_file(context.partition_key)
    frame, schema, location = read_landing_file(landing, path, CUSTOMER_COLUMNS)
    refuse_unreadable(location, schema)
    yield _stored(frame, context.partition_key, location)
    yield from report_checks(TRIAL_CUSTOMERS, location, customer_issues(frame, schema), alerts)


@asset(
    key=ORDERS,
    partitions_def=cohorts,
    group_name=GROUP,
    kinds=TABLE_KINDS,
    metadata={"partition_expr": COHORT},
    check_specs=file_check_specs(ORDERS, ORDER_CHECKS, cohorts, blocking=False),
    deps=[TRIAL_CUSTOMERS],
)
def orders(context: AssetExecutionContext, landing: LandingZone, alerts: AlertSink) -> Iterator:
    """Post-trial orders of one cohort day: boxes of each cookie type per trial customer.

    Checked against the same day's customers file, which every order must pair up with.
    """
    day = context.partition_key
    frame, schema, location = read_landing_file(landing, orders_file(day), ORDER_COLUMNS)
    refuse_unreadable(location, schema)
    yield _stored(frame, day, location)
    customers, _, _ = read_landing_file(landing, customers_file(day), CUSTOMER_COLUMNS)
    yield from report_checks(ORDERS, location, order_issues(frame, customers, schema), alerts)
