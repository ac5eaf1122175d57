"""Locally the cookie location's table writers take turns: they share one DuckDB file, so the
local instance (dagster_instance/dagster.yaml) lets one step of the `cookie_tables` pool run at
a time, in any run."""

import shutil
import threading
import time
from pathlib import Path

from cookie_support import demo_days, landing_root, run_assets, seed_small_landing
from dagster import AssetKey, DagsterInstance

from cookie_assets.definitions import defs
from cookie_assets.keys import TRIAL_CUSTOMERS
from cookie_assets.location import TABLES_POOL

REPO = Path(__file__).resolve().parents[2]
OTHER_RUN, OTHER_STEP = "another-run", "cookie__orders"


def test_every_cookie_table_writer_is_in_the_pool():
    graph = defs().resolve_asset_graph()
    writers = {
        key for key in graph.get_all_asset_keys() if "pandas" in graph.get(key).kinds
    }  # assets stored as tables
    assert AssetKey(["cookie", "trial_customers"]) in writers
    for key in writers:
        assert graph.assets_def_for_key(key).op.pool == TABLES_POOL, key


def test_a_writer_waits_until_the_other_writer_of_the_location_is_done(local_dagster_home):
    shutil.copy(REPO / "dagster_instance" / "dagster.yaml", local_dagster_home / "dagster.yaml")
    seed_small_landing(landing_root())
    day = demo_days()[0]
    results = []
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions("cookie_cohorts", [day])
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default(TABLES_POOL)
        assert storage.claim_concurrency_slot(TABLES_POOL, OTHER_RUN, OTHER_STEP).is_claimed

        def write() -> None:
            with DagsterInstance.get() as own:
                results.append(run_assets(own, [TRIAL_CUSTOMERS], day))

        writer = threading.Thread(target=write)
        writer.start()
        waiting = wait_until(lambda: storage.get_concurrency_info(TABLES_POOL).pending_steps)
        assert waiting and not results, "the second writer did not wait for the pool's slot"
        time.sleep(2)
        assert writer.is_alive() and not results  # still waiting while the slot is taken

        storage.free_concurrency_slot_for_step(OTHER_RUN, OTHER_STEP)
        writer.join(timeout=120)
    assert not writer.is_alive() and results[0].success


def wait_until(probe, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not (value := probe()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return value
