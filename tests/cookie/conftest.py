"""Cookie fixtures: a moto S3 server on 127.0.0.1 with fake credentials."""

import socket

import pytest


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def moto_s3(monkeypatch, free_port):
    """A moto S3 server on 127.0.0.1 with fake credentials; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    for variable in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
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
