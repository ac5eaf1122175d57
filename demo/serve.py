"""`make ui`: serves `dagster dev` for the workspace, failing at once when the port is taken and
saying "UI ready" only once the UI answers."""

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

WORKSPACE = Path(__file__).resolve().parents[1] / "workspace.yaml"
READY_TIMEOUT_SECONDS = 300


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/server_info", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args()
    if not port_is_free(args.host, args.port):
        print(
            f"Port {args.port} on {args.host} is in use; stop what runs there or choose another: "
            f"make demo PORT={args.port + 100}",
            file=sys.stderr,
        )
        return 1
    url = f"http://{args.host}:{args.port}"
    command = [sys.executable, "-m", "dagster", "dev", "-w", str(WORKSPACE)]
    server = subprocess.Popen([*command, "-h", args.host, "-p", str(args.port)])
    started = time.monotonic()
    try:
        while not answers(url):
            if server.poll() is not None:
                return server.returncode
            if time.monotonic() - started > READY_TIMEOUT_SECONDS:
                print(f"The UI did not answer at {url} within 5 minutes.", file=sys.stderr)
                break
            time.sleep(1)
        else:
            print(f"UI ready at {url} ({time.monotonic() - started:.0f} s)", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


if __name__ == "__main__":
    sys.exit(main())
