"""The production paths (Snowflake usage views, Slack, W&B) work against local fakes.

Snowflake is faked with fakesnow (DuckDB underneath), Slack with a local HTTP server, W&B with
offline mode. Nothing here reaches the network.
"""

import json
import pickle
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import fakesnow
import fakesnow.cursor
import numpy as np
import pandas as pd
import pytest
import snowflake.connector
from dagster import (
    EnvVar,
    materialize,
)
from dagster_snowflake import SnowflakeResource
from slack_sdk.errors import SlackApiError

from mlops_common.alerting import Alert, LocalOutboxAlerts
from mlops_common.slack_alerts import SLACK_SECTION_LIMIT, SlackAlerts
from mlops_common.storage import table_io_manager
from snowpatrol_assets.sources import SimulatedAccountSource, SnowflakeUsageSource
from snowpatrol_assets.usage.columns import METERING_COLUMNS

START, END = datetime(2026, 1, 5), datetime(2026, 1, 7)  # the window asked for: [START, END)
ODD_WAREHOUSE = "FINANCE 50% 'Q1' WH"  # quote, space and a pyformat-looking % in the name
ACCOUNT_NAME, ACCOUNT_LOCATOR = "ACME_SANDBOX", "XY12345"
SECRETS = {
    "SNOWFLAKE_PASSWORD": "sf-dummy-password-123",
    "WANDB_API_KEY": "wandb-dummy-key-" + "k" * 24,
    "SLACK_BOT_TOKEN": "xoxb-dummy-slack-token",
}

ORG_TABLE = "SNOWFLAKE.ORGANIZATION_USAGE.WAREHOUSE_METERING_HISTORY"
ACCOUNT_TABLE = "SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY"
CREDIT_TYPES = """CREDITS_USED NUMBER(38, 9), CREDITS_USED_COMPUTE NUMBER(38, 9),
    CREDITS_USED_CLOUD_SERVICES NUMBER(38, 9)"""
VIEW_COLUMNS = {  # the columns of the real views, with their Snowflake types
    ORG_TABLE: f"""ORGANIZATION_NAME VARCHAR, ACCOUNT_NAME VARCHAR, ACCOUNT_LOCATOR VARCHAR,
        REGION VARCHAR, SERVICE_TYPE VARCHAR, START_TIME TIMESTAMP_LTZ, END_TIME TIMESTAMP_LTZ,
        WAREHOUSE_ID NUMBER(38, 0), WAREHOUSE_NAME VARCHAR, {CREDIT_TYPES}""",
    ACCOUNT_TABLE: f"""START_TIME TIMESTAMP_LTZ, END_TIME TIMESTAMP_LTZ,
        WAREHOUSE_ID NUMBER(38, 0), WAREHOUSE_NAME VARCHAR, {CREDIT_TYPES},
        CREDITS_ATTRIBUTED_COMPUTE_QUERIES NUMBER(38, 9)""",
}


def _metering_rows() -> pd.DataFrame:
    """Simulated rows for 2026-01-04..07, an odd warehouse name, and rows just outside the
    window, sorted as the source query orders them."""
    simulated = simulate_days(date(2026, 1, 4), date(2026, 1, 8))

    def row(start: datetime, credits: float) -> dict:
        return {
            "ACCOUNT_NAME": ACCOUNT_NAME,
            "WAREHOUSE_ID": 9001,
            "WAREHOUSE_NAME": ODD_WAREHOUSE,
            "START_TIME": pd.Timestamp(start),
            "END_TIME": pd.Timestamp(start + timedelta(hours=1)),
            "CREDITS_USED": credits + 0.125,
            "CREDITS_USED_COMPUTE": credits,
            "CREDITS_USED_CLOUD_SERVICES": 0.125,
        }

    odd = [
        row(START - timedelta(hours=1), 7.0),  # last hour before the window
        row(START, 1.5),  # first hour of the window
        row(END - timedelta(hours=1), 2.25),  # last hour of the window
        row(END, 11.0),  # first hour after the window
    ]
    rows = pd.concat([simulated, pd.DataFrame(odd)], ignore_index=True)
    keys = ["START_TIME", "ACCOUNT_NAME", "WAREHOUSE_NAME"]
    return rows.sort_values(keys, ignore_index=True)[METERING_COLUMNS]


def simulate_days(first: date, end: date) -> pd.DataFrame:
    return SimulatedAccountSource().fetch_metering(
        datetime.combine(first, datetime.min.time()), datetime.combine(end, datetime.min.time())
    )


def _in_window(rows: pd.DataFrame, start=START, end=END) -> pd.DataFrame:
    inside = (rows["START_TIME"] >= start) & (rows["START_TIME"] < end)
    return rows[inside].reset_index(drop=True)


class FakeSnowflake:
    """The patched Snowflake: seeded usage views and a record of every executed statement."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.statements: list[tuple[str, object]] = []
        self._conn = snowflake.connector.connect(account="acme", user="u", password="p")

    def seed(self) -> None:
        duck = self._conn._duck_conn
        # fakesnow 0.12.1 implements neither CURRENT_ACCOUNT() nor CURRENT_ACCOUNT_NAME();
        # stand-ins with Snowflake's meaning (the locator, the account's name), created in the
        # default schema, where a connection without a database looks functions up.
        duck.execute(f"CREATE MACRO current_account() AS '{ACCOUNT_LOCATOR}'")
        duck.execute(f"CREATE MACRO current_account_name() AS '{ACCOUNT_NAME}'")
        cursor = self._conn.cursor()
        cursor.execute("CREATE DATABASE SNOWFLAKE")
        for table, columns in VIEW_COLUMNS.items():
            cursor.execute(f"CREATE SCHEMA {table.rsplit('.', 1)[0]}")
            cursor.execute(f"CREATE TABLE {table} ({columns})")
        # fakesnow runs INSERTs row by row through sqlglot; bulk-load its DuckDB directly.
        frame = self.rows.assign(
            START_TIME=self.rows["START_TIME"].dt.tz_localize("UTC"),
            END_TIME=self.rows["END_TIME"].dt.tz_localize("UTC"),
        )
        duck.register("seed_rows", frame)
        measures = """START_TIME, END_TIME, WAREHOUSE_ID, WAREHOUSE_NAME, CREDITS_USED,
            CREDITS_USED_COMPUTE, CREDITS_USED_CLOUD_SERVICES"""
        duck.execute(
            f"INSERT INTO {ORG_TABLE} SELECT 'ACME_ORG', ACCOUNT_NAME, '{ACCOUNT_LOCATOR}', "
            f"'AWS_EU_CENTRAL_1', 'WAREHOUSE_METERING', {measures} FROM seed_rows"
        )
        duck.execute(
            f"INSERT INTO {ACCOUNT_TABLE} SELECT {measures}, CREDITS_USED_COMPUTE FROM seed_rows "
            f"WHERE ACCOUNT_NAME = '{ACCOUNT_NAME}'"
        )
        duck.unregister("seed_rows")

    def set_session_timezone(self, timezone: str) -> None:
        """What an account's TIMEZONE parameter does (fakesnow rejects ALTER SESSION ... TIMEZONE):
        TIMESTAMP_LTZ values come back in it and literals without an offset are read in it."""
        self._conn._duck_conn.execute(f"SET GLOBAL TimeZone = '{timezone}'")


@pytest.fixture
def fake_snowflake(monkeypatch):
    rows = _metering_rows()
    assert ODD_WAREHOUSE in set(rows["WAREHOUSE_NAME"])
    assert "MARKETING BI 'EU'" in set(_in_window(rows)["WAREHOUSE_NAME"])
    with fakesnow.patch():
        fake = FakeSnowflake(rows)
        fake.seed()
        execute = fakesnow.cursor.FakeSnowflakeCursor.execute

        def recording_execute(cursor, command, params=None, *args, **kwargs):
            fake.statements.append((command, params))
            return execute(cursor, command, params, *args, **kwargs)

        monkeypatch.setattr(fakesnow.cursor.FakeSnowflakeCursor, "execute", recording_execute)
        yield fake


def usage_source(**fields) -> SnowflakeUsageSource:
    return SnowflakeUsageSource(
        snowflake=SnowflakeResource(account="acme", user="snowpatrol", password="not-a-secret"),
        **fields,
    )


def _assert_metering_frame(fetched: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(fetched.columns) == METERING_COLUMNS
    assert fetched["START_TIME"].dt.tz is None and fetched["END_TIME"].dt.tz is None
    pd.testing.assert_frame_equal(fetched, expected, check_exact=False, rtol=1e-9)


def test_organization_usage_returns_exactly_the_window_with_the_pipeline_shape(fake_snowflake):
    fetched = usage_source().fetch_metering(START, END)

    expected = _in_window(fake_snowflake.rows)
    _assert_metering_frame(fetched, expected)  # dtypes too: float credits, int ids, naive UTC
    assert fetched["START_TIME"].min() == pd.Timestamp(START)
    assert fetched["START_TIME"].max() == pd.Timestamp(END - timedelta(hours=1))
    odd = fetched[fetched["WAREHOUSE_NAME"] == ODD_WAREHOUSE]
    assert odd["CREDITS_USED_COMPUTE"].tolist() == [1.5, 2.25]  # not the 7.0 / 11.0 outside
    assert fetched["CREDITS_USED"].sum() == pytest.approx(expected["CREDITS_USED"].sum())
    assert fetched["ACCOUNT_NAME"].nunique() >= 2


def test_a_window_without_usage_gives_an_empty_frame_of_the_same_shape(fake_snowflake):
    fetched = usage_source().fetch_metering(datetime(2025, 12, 1), datetime(2025, 12, 2))

    assert fetched.empty
    expected_types = _in_window(fake_snowflake.rows).dtypes
    assert fetched.dtypes.to_dict() == expected_types.to_dict()


def test_window_is_utc_whatever_the_session_timezone(fake_snowflake):
    """Snowflake accounts default to TIMEZONE=America/Los_Angeles: a naive bound would be read
    as Pacific time and shift the day by 8 hours."""
    fake_snowflake.set_session_timezone("America/Los_Angeles")

    fetched = usage_source().fetch_metering(START, END)

    _assert_metering_frame(fetched, _in_window(fake_snowflake.rows))


def test_account_usage_names_the_current_account(fake_snowflake):
    fetched = usage_source(usage_schema="ACCOUNT_USAGE").fetch_metering(START, END)

    rows = fake_snowflake.rows
    expected = _in_window(rows[rows["ACCOUNT_NAME"] == ACCOUNT_NAME])
    assert len(expected) > 0
    # The account's name, as ORGANIZATION_USAGE reports it, not its locator: otherwise the
    # warehouse keys (ACCOUNT/WAREHOUSE) change when switching the usage schema.
    assert set(fetched["ACCOUNT_NAME"]) == {ACCOUNT_NAME}
    _assert_metering_frame(fetched, expected)


def test_query_is_parameterised(fake_snowflake):
    source = usage_source()
    source.fetch_metering(START, END)

    (statement, params) = next(
        (sql, params) for sql, params in fake_snowflake.statements if "METERING" in sql
    )
    assert statement == source.metering_sql()
    assert "%(start)s" in statement and "%(end)s" in statement
    assert "2026" not in statement and ODD_WAREHOUSE not in statement
    bounds = {k: pd.Timestamp(v) for k, v in params.items()}
    as_utc = {
        k: t.tz_convert("UTC") if t.tzinfo else t.tz_localize("UTC") for k, t in bounds.items()
    }
    assert as_utc == {"start": pd.Timestamp(START, tz="UTC"), "end": pd.Timestamp(END, tz="UTC")}


def test_source_database_must_be_a_plain_identifier():
    with pytest.raises(ValueError, match="not a plain identifier"):
        usage_source(source_database="SNOWFLAKE; DROP TABLE X").metering_sql()


def _stored_metering(home: Path) -> pd.DataFrame:
    database = home / "local_data" / "snowpatrol_tables.duckdb"
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(
            "SELECT * FROM snowpatrol.warehouse_metering "
            "ORDER BY START_TIME, ACCOUNT_NAME, WAREHOUSE_NAME"
        ).df()


def test_warehouse_metering_asset_from_snowflake_into_duckdb_is_idempotent(
    fake_snowflake, local_dagster_home
):
    from snowpatrol_assets.assets.ingest import warehouse_metering

    resources = {"usage_source": usage_source(), "io_manager": table_io_manager("snowpatrol")}

    def run(partition: str):
        result = materialize([warehouse_metering], partition_key=partition, resources=resources)
        assert result.success
        checks = result.get_asset_check_evaluations()
        assert checks and all(c.passed for c in checks), [c.check_name for c in checks]
        return result

    first = run("2026-01-05")
    day = _in_window(fake_snowflake.rows, START, START + timedelta(days=1))
    stored = _stored_metering(local_dagster_home)
    pd.testing.assert_frame_equal(stored, day, check_dtype=False, check_exact=False, rtol=1e-9)
    metadata = first.asset_materializations_for_node("warehouse_metering")[0].metadata
    assert metadata["rows"].value == len(day)
    assert metadata["credits_used"].value == round(day["CREDITS_USED"].sum(), 2)

    run("2026-01-06")
    run("2026-01-05")  # again: replaces the day, no duplicates, the other day kept

    stored = _stored_metering(local_dagster_home)
    both_days = _in_window(fake_snowflake.rows)
    assert len(stored) == len(both_days)
    assert not stored.duplicated(["ACCOUNT_NAME", "WAREHOUSE_NAME", "START_TIME"]).any()
    pd.testing.assert_frame_equal(
        stored, both_days, check_dtype=False, check_exact=False, rtol=1e-9
    )


# --- Slack -----------------------------------------------------------------------------------


def _long_report(rows: int) -> str:
    table = "\n".join(
        f"| ACME_PROD | WAREHOUSE_{i:03d} | 2026-01-05 | {100 + i:.2f} | 10.00 | {90 + i:.2f} |"
        for i in range(rows)
    )
    return (
        "# Snowflake usage anomalies\n\n**3 anomalous warehouse-days** above expected.\n\n"
        "| Account | Warehouse | Day | Credits | Expected | Excess |\n"
        "|---|---|---|---:|---:|---:|\n"
        f"{table}\n\nFull report: `reports/anomaly_report_2026-01-05.md`"
    )


def _posted(fake_slack) -> list[dict]:
    return fake_slack.calls("chat.postMessage")


def test_slack_alert_posts_one_message_with_blocks(fake_slack):
    alerts = SlackAlerts(
        token=fake_slack.token, channel="#snowflake-alerts", base_url=fake_slack.base_url
    )

    where = alerts.deliver(Alert(("test-alert",), "Snowpatrol: 3 new anomalies", _long_report(3)))

    [request] = _posted(fake_slack)
    assert request["headers"]["Authorization"] == f"Bearer {fake_slack.token}"
    body = request["body"]
    assert body["channel"] == "#snowflake-alerts"
    assert body["text"] == "Snowpatrol: 3 new anomalies"
    header, *sections = body["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Snowpatrol: 3 new anomalies"},
    }
    assert sections and all(s["type"] == "section" for s in sections)
    assert all(s["text"]["type"] == "mrkdwn" for s in sections)
    text = "\n".join(s["text"]["text"] for s in sections)
    assert "*Snowflake usage anomalies*" in text and "*3 anomalous warehouse-days*" in text
    assert "**" not in text and "# " not in text
    table_start = text.index("| Account | Warehouse |")
    assert text[:table_start].endswith("```\n")  # the table is a code block
    assert "| ACME_PROD | WAREHOUSE_002 |" in text
    assert text.count("```") == 2
    assert where.startswith("slack:#snowflake-alerts:") and where != "slack:#snowflake-alerts:"


def test_long_slack_alert_is_split_into_sections_slack_accepts(fake_slack):
    alerts = SlackAlerts(
        token=fake_slack.token, channel="#snowflake-alerts", base_url=fake_slack.base_url
    )

    alerts.deliver(Alert(("test-alert",), "Snowpatrol: 400 new anomalies", _long_report(400)))

    [request] = _posted(fake_slack)
    blocks = request["body"]["blocks"]
    sections = [b["text"]["text"] for b in blocks[1:]]
    assert len(sections) > 1 and len(blocks) <= 50
    assert all(len(s) <= 3000 for s in sections)
    assert all(s.count("```") % 2 == 0 for s in sections)  # every section renders its table
    posted = "\n".join(sections)
    assert "WAREHOUSE_000" in posted and "WAREHOUSE_399" in posted
    assert SLACK_SECTION_LIMIT <= 3000


def test_slack_rejects_a_wrong_token_with_a_clear_error(fake_slack):
    alerts = SlackAlerts(
        token="xoxb-wrong-token", channel="#snowflake-alerts", base_url=fake_slack.base_url
    )

    with pytest.raises(SlackApiError, match="invalid_auth") as raised:
        alerts.deliver(Alert(("test-alert",), "Snowpatrol: 1 new anomaly", "body"))

    assert raised.value.response["error"] == "invalid_auth"
    [request] = _posted(fake_slack)
    assert request["headers"]["Authorization"] == "Bearer xoxb-wrong-token"


def test_slack_token_is_checked_by_auth_test(fake_slack):
    alerts = SlackAlerts(
        token=fake_slack.token, channel="#snowflake-alerts", base_url=fake_slack.base_url
    )
    assert alerts.get_client().auth_test()["ok"] is True
    assert fake_slack.calls("auth.test")[0]["path"] == "/api/auth.test"


# --- the anomaly alert sensor through Slack --------------------------------------------------


# --- W&B offline -----------------------------------------------------------------------------


@pytest.fixture
def wandb_offline(tmp_path, monkeypatch):
    dirs = {}
    for variable in ["WANDB_DIR", "WANDB_DATA_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR"]:
        dirs[variable] = tmp_path / variable.lower()
        dirs[variable].mkdir()
        monkeypatch.setenv(variable, str(dirs[variable]))
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    return dirs


def _offline_records(run_file: Path) -> list:
    from wandb.proto import wandb_internal_pb2
    from wandb.sdk.internal import datastore

    store = datastore.DataStore()
    store.open_for_scan(str(run_file))
    records = []
    while (data := store.scan_data()) is not None:
        record = wandb_internal_pb2.Record()
        record.ParseFromString(data)
        records.append(record)
    return records


def test_wandb_offline_logs_the_model_artifact(wandb_offline):
    from sklearn.ensemble import IsolationForest

    from mlops_common.wandb_store import WandbModelStore, artifact_name

    features = np.random.default_rng(7).normal(size=(64, 3))
    model = IsolationForest(n_estimators=10, random_state=0).fit(features)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    store = WandbModelStore(
        api_key="x" * 40,
        project="snowpatrol-test",
        mode="offline",
        host="http://127.0.0.1:9",  # anything that tried the network would fail locally
    )

    with store.writer("run-1234abcd") as writer:
        version = writer.save(
            "ACME_PROD/MARKETING BI 'EU'",
            model,
            {"anomaly_threshold": 0.62, "training_days": 365, "method": "isolation_forest"},
            files={"scores.png": png},
        )

    assert version == "offline"
    [run_dir] = (wandb_offline["WANDB_DIR"] / "wandb").glob("offline-run-*")
    [run_file] = run_dir.glob("run-*.wandb")
    records = _offline_records(run_file)
    [run] = [r.run for r in records if r.WhichOneof("record_type") == "run"]
    assert run.project == "snowpatrol-test" and run.run_group == "run-1234abcd"

    [artifact] = [r.artifact for r in records if r.WhichOneof("record_type") == "artifact"]
    name = artifact_name("ACME_PROD/MARKETING BI 'EU'")
    assert artifact.name == name and artifact.type == "model"
    assert "latest" in artifact.aliases
    metadata = json.loads(artifact.metadata)
    assert metadata["anomaly_threshold"] == 0.62
    assert metadata["model_name"] == "ACME_PROD/MARKETING BI 'EU'"
    files = {entry.path: entry for entry in artifact.manifest.contents}
    assert set(files) == {"model.pkl", "scores.png"}
    assert Path(files["scores.png"].local_path).read_bytes() == png
    staged = pickle.loads(Path(files["model.pkl"].local_path).read_bytes())
    np.testing.assert_array_equal(staged.predict(features), model.predict(features))

    history = [r.history for r in records if r.WhichOneof("record_type") == "history"]
    logged = {item.nested_key[0]: json.loads(item.value_json) for h in history for item in h.item}
    assert logged[f"{name}/anomaly_threshold"] == 0.62
    assert logged[f"{name}/training_days"] == 365


# --- choosing resources from DAGSTER_DEPLOYMENT ----------------------------------------------


def test_local_deployment_uses_embedded_services(local_dagster_home):
    from mlops_common.model_store import ModelStore
    from snowpatrol_assets.resources import build_resources

    resources = build_resources()

    database = Path(resources["io_manager"].database)  # a DuckDB file in the Dagster home
    assert database.name == "snowpatrol_tables.duckdb"
    assert database.is_relative_to(local_dagster_home)
    assert isinstance(resources["usage_source"], SimulatedAccountSource)
    assert isinstance(resources["alerts"], LocalOutboxAlerts)
    assert isinstance(resources["model_store"], ModelStore)
    assert type(resources["model_store"]).__name__ != "WandbModelStore"


def test_prod_deployment_uses_snowflake_wandb_and_slack_without_inlining_secrets(monkeypatch):
    from mlops_common.snowflake_tables import SnowflakeTablesIOManager
    from mlops_common.wandb_store import WandbModelStore
    from snowpatrol_assets.resources import build_resources

    monkeypatch.setenv("DAGSTER_DEPLOYMENT", "prod")
    for variable, value in {
        **SECRETS,
        "SNOWFLAKE_ACCOUNT": "acme-prod",
        "SNOWFLAKE_USER": "snowpatrol",
        "SNOWFLAKE_DATABASE": "ANALYTICS",
        "SNOWFLAKE_WAREHOUSE": "SNOWPATROL_WH",
        "SNOWFLAKE_ROLE": "SNOWPATROL",
        "SLACK_CHANNEL": "#snowflake-alerts",
    }.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("SNOWFLAKE_PRIVATE_KEY_PATH", raising=False)

    resources = build_resources()

    io_manager, usage = resources["io_manager"], resources["usage_source"]
    store, alerts = resources["model_store"], resources["alerts"]
    assert isinstance(io_manager, SnowflakeTablesIOManager)
    assert isinstance(usage, SnowflakeUsageSource)
    assert isinstance(usage.snowflake, SnowflakeResource)
    assert usage.usage_schema == "ORGANIZATION_USAGE"
    assert isinstance(store, WandbModelStore)
    assert isinstance(alerts, SlackAlerts)

    secret_fields = [
        (io_manager.password, "SNOWFLAKE_PASSWORD"),
        (usage.snowflake.password, "SNOWFLAKE_PASSWORD"),
        (store.api_key, "WANDB_API_KEY"),
        (alerts.token, "SLACK_BOT_TOKEN"),
    ]
    for value, variable in secret_fields:
        assert isinstance(value, EnvVar) and value.env_var_name == variable
    shown = " ".join(repr(r) + str(r) for r in resources.values())
    for secret in SECRETS.values():
        assert secret not in shown


def test_unknown_deployment_is_refused(monkeypatch):
    from snowpatrol_assets.resources import build_resources

    monkeypatch.setenv("DAGSTER_DEPLOYMENT", "staging")
    with pytest.raises(ValueError, match="DAGSTER_DEPLOYMENT='staging'.*local, prod"):
        build_resources()
