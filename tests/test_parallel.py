"""map_by_key: the serial map's results, in order, on worker processes when it pays off."""

import math
import os

import pytest

from mlops_common.parallel import MIN_PARALLEL_ITEMS, ItemFailedError, map_by_key

LARGE = 4 * MIN_PARALLEL_ITEMS
FAILING_NUMBER = 137


def _log_gamma(number: int) -> float:
    return math.lgamma(number + 0.5)


def _process_id(_item) -> int:
    return os.getpid()


def _fails_on_one(number: int) -> int:
    if number == FAILING_NUMBER:
        raise ValueError(f"cannot handle {number}")
    return number


def _keyed(count: int) -> list[tuple[str, int]]:
    return [(f"ACME_PROD/{number}", number) for number in range(count)]


def test_results_equal_the_serial_map_in_input_order():
    items = _keyed(LARGE)
    assert map_by_key(_log_gamma, items, workers=2) == [_log_gamma(n) for _, n in items]


def test_large_inputs_run_in_worker_processes():
    assert os.getpid() not in map_by_key(_process_id, _keyed(LARGE), workers=2)


@pytest.mark.parametrize(("count", "workers"), [(MIN_PARALLEL_ITEMS - 1, 2), (LARGE, 1), (0, None)])
def test_small_inputs_and_one_worker_stay_in_process(count, workers):
    assert set(map_by_key(_process_id, _keyed(count), workers=workers)) <= {os.getpid()}


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exception_names_the_key_of_the_failing_item(workers):
    with pytest.raises(ItemFailedError, match=f"ACME_PROD/{FAILING_NUMBER}") as raised:
        map_by_key(_fails_on_one, _keyed(LARGE), workers=workers)
    assert raised.value.key == f"ACME_PROD/{FAILING_NUMBER}"
    assert f"ValueError: cannot handle {FAILING_NUMBER}" in str(raised.value)
