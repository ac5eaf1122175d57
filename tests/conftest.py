"""Shared fixtures: a local Dagster home per test, and the local peers production paths are
tested against (a fake Slack Web API, fakesnow, a moto S3 server), all on 127.0.0.1."""

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

FAKE_SLACK_TOKEN = "xoxb-test-0000-fake-token"
PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]


@pytest.fixture(autouse=True)
def local_dagster_home(tmp_path, monkeypatch):
    """Every test gets its own DAGSTER_HOME and the default (local) deployment."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.delenv("DAGSTER_DEPLOYMENT", raising=False)
    return home


@dataclass
class FakeSlack:
    """Records requests; keeps posted messages (with their metadata) as a channel's history.

    Faults: `fail_with[method] = [status, …]` answers the next calls of `method` with those HTTP
    statuses; `slow_seconds[method]` answers (after doing the work) only after that delay.
    """

    base_url: str
    token: str
    requests: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    fail_with: dict[str, list[int]] = field(default_factory=dict)
    slow_seconds: dict[str, float] = field(default_factory=dict)

    def calls(self, method: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method]


def _slack_handler(slack: FakeSlack):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            self.do_POST()

        def do_POST(self):  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                body = json.loads(raw or "{}")
            else:
                body = dict(parse_qsl(raw))
            body |= dict(parse_qsl(self.path.partition("?")[2]))
            method = self.path.split("?")[0].rsplit("/", 1)[-1]
            slack.requests.append(
                {"path": self.path, "method": method, "headers": dict(self.headers), "body": body}
            )
            auth = self.headers.get("Authorization", "")
            status, failures = 200, slack.fail_with.get(method) or []
            if failures:
                status, reply = failures.pop(0), {"ok": False, "error": "fatal_error"}
            elif auth != f"Bearer {slack.token}":
                reply = {"ok": False, "error": "invalid_auth"}
            elif method == "chat.postMessage":
                ts = f"{time.time():.6f}"
                metadata = body.get("metadata")
                metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
                slack.messages.append({"ts": ts, "text": body.get("text"), "metadata": metadata})
                reply = {"ok": True, "channel": body.get("channel"), "ts": ts}
            elif method == "conversations.history":
                newest_first = [
                    {k: v for k, v in m.items() if v is not None} for m in reversed(slack.messages)
                ]
                reply = {"ok": True, "messages": newest_first, "has_more": False}
            elif method == "auth.test":
                reply = {"ok": True, "team": "fake", "user": "snowpatrol-bot"}
            else:
                reply = {"ok": False, "error": "unknown_method"}
            time.sleep(slack.slow_seconds.get(method, 0.0))
            payload = json.dumps(reply).encode()
            self.send_response(status)  # Slack answers 200 with ok=false for API errors
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def no_proxy(monkeypatch):
    """No proxy from the environment: clients would send 127.0.0.1 traffic through it."""
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def fake_slack(no_proxy):
    """A fake Slack Web API: records requests, answers chat.postMessage and auth.test."""
    slack = FakeSlack(base_url="", token=FAKE_SLACK_TOKEN)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _slack_handler(slack))
    slack.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield slack
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def snowflake_tables():
    """fakesnow patched in, also where the Snowflake pandas IO manager imported `write_pandas`.

    Yields `create(database, schema, {table: columns}, column_names=None)`, which makes the
    tables and returns a cursor and the project's production IO manager pointed at that schema
    (spelling columns by `column_names`, default upper-case). The tables must exist first: the
    IO manager creates a missing table when Snowflake's error says it "does not exist or not
    authorized", and fakesnow words that error differently.
    """
    import fakesnow
    import snowflake.connector

    from mlops_common.snowflake_tables import SnowflakeTablesIOManager

    target = "dagster_snowflake_pandas.snowflake_pandas_type_handler.write_pandas"
    with fakesnow.patch(extra_targets=[target]):
        cursor = snowflake.connector.connect().cursor()

        def create(database: str, schema: str, tables: dict[str, str], column_names=None):
            cursor.execute(f"CREATE DATABASE {database}")
            cursor.execute(f"CREATE SCHEMA {database}.{schema}")
            for table, columns in tables.items():
                cursor.execute(f"CREATE TABLE {database}.{schema}.{table} ({columns})")
            io_manager = SnowflakeTablesIOManager(
                account="acme",
                user="tester",
                password="not-a-secret",
                database=database,
                schema=schema,
                warehouse="WH",
                **({"column_names": column_names} if column_names else {}),
            )
            return cursor, io_manager

        yield create


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for a server the test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def moto_s3(monkeypatch, no_proxy, free_port):
    """A moto S3 server on 127.0.0.1 with fake credentials; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port)
    server.start()
    try:
        yield f"http://127.0.0.1:{free_port}"
    finally:
        server.stop()
