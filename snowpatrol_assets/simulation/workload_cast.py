"""Who runs what on a simulated warehouse, and what caused each injected anomaly.

A warehouse's cast is a handful of jobs typical of its archetype (dbt and Fivetran service
users on ETL warehouses, BI tools on BI warehouses, analysts on ad hoc ones...). Each job is a
user acting in a role, usually under a QUERY_TAG, running 3-5 parameterized queries; every
query has a stable share of the warehouse's ordinary attributed credits.

An injected anomaly has one cause: a ``new_user`` who never ran on the warehouse before and
fires a few new queries, a ``runaway_query`` (one of the warehouse's parameterized queries
whose credits explode), or a ``tag_job`` (every query of one tagged job runs far more).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from hashlib import md5

import numpy as np

NEW_USER = "new_user"
RUNAWAY_QUERY = "runaway_query"
TAG_JOB = "tag_job"
CAUSE_KINDS = (NEW_USER, RUNAWAY_QUERY, TAG_JOB)
CAUSE_DIMENSION = {NEW_USER: "user", RUNAWAY_QUERY: "query", TAG_JOB: "query_tag"}
"""Where an explanation must name each kind of cause (see attribution's DIMENSIONS)."""

_QUERIES_PER_JOB = (3, 5)  # inclusive range
_QUERY_WEIGHT = (1.0, 1.5)  # one query never carries more than ~45 % of its job
_JOB_WEIGHT_SIGMA = 0.5

_JOBS: dict[str, tuple[tuple[str, str, str, str], ...]] = {  # user, role, tag, schema
    "etl": (
        ("DBT_CLOUD_SVC", "TRANSFORMER", "dbt:nightly_core", "CORE"),
        ("DBT_CLOUD_SVC", "TRANSFORMER", "dbt:marketing_attribution", "MARKETING"),
        ("FIVETRAN_SVC", "LOADER", "fivetran:salesforce", "SALESFORCE"),
        ("FIVETRAN_SVC", "LOADER", "fivetran:postgres_app", "APP_DB"),
        ("AIRFLOW_SVC", "ORCHESTRATOR", "airflow:partner_exports", "EXPORTS"),
    ),
    "bi": (
        ("LOOKER_SVC", "LOOKER_READER", "looker:sales_dashboard", "SALES"),
        ("LOOKER_SVC", "LOOKER_READER", "looker:ops_dashboard", "OPERATIONS"),
        ("TABLEAU_SVC", "TABLEAU_READER", "tableau:exec_kpis", "KPIS"),
        ("SIGMA_SVC", "BI_READER", "sigma:finance_board", "FINANCE"),
    ),
    "adhoc": (
        ("ALICE_NGUYEN", "ANALYST", "", "ORDERS"),
        ("BOB_MARTIN", "ANALYST", "", "CUSTOMERS"),
        ("CAROL_SMITH", "DATA_SCIENTIST", "", "EVENTS"),
        ("DAVE_KIM", "DATA_SCIENTIST", "hex:churn_model", "FEATURES"),
        ("NOTEBOOK_SVC", "DATA_SCIENTIST", "jupyter:nightly_features", "FEATURES"),
    ),
    "idle": (
        ("AUDIT_SVC", "SECURITY_ADMIN", "audit:access_review", "ACCESS_HISTORY"),
        ("ADMIN_OPS", "SYSADMIN", "", "INFORMATION_SCHEMA"),
    ),
    "month_end": (
        ("FINANCE_SVC", "FINANCE", "close:revenue_recognition", "REVENUE"),
        ("FINANCE_SVC", "FINANCE", "close:ledger_reconciliation", "LEDGER"),
        ("ERIN_LOPEZ", "FINANCE_ANALYST", "", "LEDGER"),
    ),
}
_TABLES = ("ORDERS", "ACCOUNTS", "SESSIONS", "INVOICES", "PRODUCTS")
_QUERY_TEMPLATES = (
    "MERGE INTO ANALYTICS.{schema}.{table} AS target USING (SELECT * FROM STAGING.{schema}."
    "{table} WHERE UPDATED_AT > ?) AS source ON target.ID = source.ID WHEN MATCHED THEN UPDATE "
    "SET target.PAYLOAD = source.PAYLOAD, target.UPDATED_AT = source.UPDATED_AT WHEN NOT MATCHED "
    "THEN INSERT (ID, PAYLOAD, UPDATED_AT) VALUES (source.ID, source.PAYLOAD, source.UPDATED_AT)",
    "SELECT DATE_TRUNC('day', CREATED_AT) AS DAY, REGION, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL "
    "FROM ANALYTICS.{schema}.{table} WHERE CREATED_AT >= ? GROUP BY 1, 2 ORDER BY 1",
    "INSERT INTO ANALYTICS.{schema}.{table}_SNAPSHOT SELECT *, CURRENT_TIMESTAMP() FROM "
    "ANALYTICS.{schema}.{table} WHERE SNAPSHOT_DATE = ?",
    "SELECT c.ID, c.SEGMENT, AVG(o.AMOUNT) FROM ANALYTICS.{schema}.{table} o JOIN "
    "ANALYTICS.CORE.CUSTOMERS c ON c.ID = o.CUSTOMER_ID WHERE o.STATUS = ? GROUP BY 1, 2",
    "CREATE OR REPLACE TEMPORARY TABLE {table}_DELTA AS SELECT * FROM RAW.{schema}.{table} "
    "WHERE _LOADED_AT BETWEEN ? AND ?",
)
_NEW_USERS = (
    "CONTRACTOR_JDOE",
    "INTERN_SAM_LEE",
    "PARTNER_API_SVC",
    "MIGRATION_TEMP_USER",
    "BACKFILL_ADMIN",
    "TRIAL_BI_CONNECTOR",
)
_SCRATCH_TEMPLATE = (
    "-- scratch worksheet of {user}\nSELECT * FROM RAW.{schema}.{table} r CROSS JOIN "
    "RAW.{schema}.EVENTS_FULL_HISTORY e WHERE r.ID = e.ENTITY_ID OR e.PAYLOAD LIKE ?"
)


@dataclass(frozen=True)
class CastQuery:
    """One parameterized query, who runs it and its share of the credits it is drawn from."""

    parameterized_hash: str
    text: str
    user: str
    role: str
    tag: str  # "" when the query runs without a QUERY_TAG
    weight: float


@dataclass(frozen=True)
class AnomalyCause:
    """What burnt an anomaly's extra credits: its kind, its name as a FinOps reader would
    search for it (user name, parameterized hash or query tag) and the queries it ran, whose
    weights split the extra credits."""

    kind: str
    name: str
    queries: tuple[CastQuery, ...]


def warehouse_cast(archetype: str, rng: np.random.Generator) -> tuple[CastQuery, ...]:
    """The ordinary queries of a warehouse; weights sum to 1.

    Archetypes with four or more jobs drop one at random, so warehouses of one archetype differ
    in who uses them as well as in how much.
    """
    jobs = _JOBS[archetype]
    order = rng.permutation(len(jobs))
    kept = sorted(order[: len(jobs) - 1] if len(jobs) >= 4 else order)
    queries = []
    for job in kept:
        user, role, tag, schema = jobs[job]
        job_weight = float(np.exp(_JOB_WEIGHT_SIGMA * rng.standard_normal()))
        count = int(rng.integers(_QUERIES_PER_JOB[0], _QUERIES_PER_JOB[1] + 1))
        shares = rng.uniform(*_QUERY_WEIGHT, size=count)
        for k, share in enumerate(shares / shares.sum()):
            text = _QUERY_TEMPLATES[(job + k) % len(_QUERY_TEMPLATES)].format(
                schema=schema, table=_TABLES[k]
            )
            queries.append(CastQuery(_hash(text), text, user, role, tag, job_weight * share))
    total = sum(q.weight for q in queries)
    return tuple(replace(q, weight=q.weight / total) for q in queries)


def anomaly_cause(cast: tuple[CastQuery, ...], rng: np.random.Generator) -> AnomalyCause:
    """Draws the cause of one anomaly (a multi-day runaway has one cause for all its days)."""
    kind = CAUSE_KINDS[int(rng.integers(len(CAUSE_KINDS)))]
    if kind == RUNAWAY_QUERY:
        query = cast[int(rng.integers(len(cast)))]
        return AnomalyCause(kind, query.parameterized_hash, (replace(query, weight=1.0),))
    if kind == TAG_JOB:
        tags = sorted({q.tag for q in cast if q.tag})
        tag = tags[int(rng.integers(len(tags)))]
        members = [q for q in cast if q.tag == tag]
        total = sum(q.weight for q in members)
        return AnomalyCause(kind, tag, tuple(replace(q, weight=q.weight / total) for q in members))
    user = _NEW_USERS[int(rng.integers(len(_NEW_USERS)))]
    role = cast[int(rng.integers(len(cast)))].role
    count = int(rng.integers(_QUERIES_PER_JOB[0], _QUERIES_PER_JOB[1] + 1))
    shares = rng.uniform(*_QUERY_WEIGHT, size=count)
    queries = []
    for k, share in enumerate(shares / shares.sum()):
        text = _SCRATCH_TEMPLATE.format(user=user, schema="EVENTS", table=_TABLES[k])
        queries.append(CastQuery(_hash(text), text, user, role, "", float(share)))
    return AnomalyCause(kind, user, tuple(queries))


def _hash(text: str) -> str:
    """A stand-in for QUERY_PARAMETERIZED_HASH: 32 hex digits, equal for equal texts."""
    return md5(text.encode(), usedforsecurity=False).hexdigest()
