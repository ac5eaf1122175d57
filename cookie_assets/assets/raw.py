"""Raw cohort files from the landing zone, one partition per cohort day, checked on arrival."""

from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha256

from dagster import AssetExecutionContext, Failure, Output

from cookie_assets.assets.tables import partitioned_table_asset
from cookie_assets.checks import file_check_results, file_check_specs
from cookie_assets.contract import (
    COHORT,
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    customers_file,
    orders_file,
)
from cookie_assets.frames import Frame
from cookie_assets.landing import LandingZone
from cookie_assets.partitions import cohorts
from cookie_assets.validation import (
    CUSTOMER_CHECKS,
    ORDER_CHECKS,
    Issue,
    customer_issues,
    order_issues,
    parse_csv,
)

GROUP = "cookie_landing"


@dataclass(frozen=True)
class LandingFile:
    """A landing file read into a typed frame, with its schema issues, where it was read from
    (for messages) and a fingerprint of its bytes (an unchanged file alerts once)."""

    frame: Frame
    schema_issues: list[Issue]
    location: str
    fingerprint: str


def read_landing_file(landing: LandingZone, path: str, columns: list[str]) -> LandingFile:
    """Reads and types a landing file; a missing file fails the run naming it."""
    location = landing.describe(path)
    try:
        data = landing.read_bytes(path)
    except FileNotFoundError:
        raise Failure(
            description=f"{location} does not exist; nothing was stored. Upload it, then "
            "re-materialise this partition."
        ) from None
    frame, schema = parse_csv(data, columns)
    return LandingFile(frame, schema, location, sha256(data).hexdigest()[:16])


def refuse_unstorable(file: LandingFile) -> None:
    """A file that is not CSV at all, or holds no data rows, is not stored: storing it would
    replace the rows the partition already has. The run fails naming the file instead."""
    unreadable = [i.problem for i in file.schema_issues if i.problem.startswith("malformed CSV")]
    if unreadable:
        problem = f"cannot be read ({unreadable[0]})"
    elif file.frame.empty:
        problem = "has a header but no data rows"
    else:
        return
    raise Failure(
        description=f"{file.location} {problem}; nothing was stored and the rows this "
        "partition already had are kept. Re-upload a corrected file.",
        metadata={"file": file.location},
    )


def _stored(file: LandingFile, cohort: str) -> Output:
    return Output(
        file.frame.assign(**{COHORT: cohort}),
        metadata={"file": file.location, "rows": len(file.frame), "fingerprint": file.fingerprint},
    )


@partitioned_table_asset(
    GROUP,
    cohorts,
    COHORT,
    check_specs=file_check_specs("trial_customers", CUSTOMER_CHECKS, cohorts, blocking=False),
)
def trial_customers(context: AssetExecutionContext, landing: LandingZone) -> Iterator:
    """Trial customers of one cohort day as uploaded: household, children, tastes and budget.

    A file with bad rows is still stored (so nothing is silently dropped) but fails its checks,
    and the cohort is left out of training until a corrected file is re-uploaded. A file that is
    not CSV at all, or has no data rows, fails the run and leaves the cohort's stored rows as
    they were.
    """
    file = read_landing_file(landing, customers_file(context.partition_key), CUSTOMER_COLUMNS)
    refuse_unstorable(file)
    yield _stored(file, context.partition_key)
    issues = customer_issues(file.frame, file.schema_issues)
    yield from file_check_results(file.location, file.fingerprint, issues)


@partitioned_table_asset(
    GROUP,
    cohorts,
    COHORT,
    check_specs=file_check_specs("orders", ORDER_CHECKS, cohorts, blocking=False),
    deps=["trial_customers"],
)
def orders(context: AssetExecutionContext, landing: LandingZone) -> Iterator:
    """Post-trial orders of one cohort day: boxes of each cookie type per trial customer.

    Checked against the same day's customers file, which every order must pair up with; when
    that file is missing nothing is stored.
    """
    day = context.partition_key
    customers = read_landing_file(landing, customers_file(day), CUSTOMER_COLUMNS)
    file = read_landing_file(landing, orders_file(day), ORDER_COLUMNS)
    refuse_unstorable(file)
    yield _stored(file, day)
    issues = order_issues(file.frame, customers.frame, file.schema_issues)
    yield from file_check_results(file.location, file.fingerprint, issues)
