"""Per-item maths (one warehouse, one model) spread over the machine's cores.

Fitting and scoring thousands of independent per-warehouse models is pure CPU work, so it is
mapped over worker processes (joblib's loky backend: reusable workers, cloudpickled functions,
BLAS threads limited per worker). Each task carries a contiguous chunk of many items, so the
pickling of arguments and results is paid per chunk rather than per item; small inputs run in
the calling process, where starting workers would cost more than it saves.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_PARALLEL_ITEMS = 50
"""Below this many items the map runs in the calling process."""
TASKS_PER_WORKER = 4
"""Chunks per worker: enough for a slow chunk not to leave the other workers idle."""


class ItemFailedError(RuntimeError):
    """The mapped function raised on one item; `key` names the item (e.g. a warehouse key)."""

    def __init__(self, key: str, reason: str):
        super().__init__(key, reason)
        self.key = key

    def __str__(self) -> str:
        return f"failed on {self.args[0]!r}: {self.args[1]}"


def map_by_key(
    function: Callable[[Item], Result],
    keyed_items: Iterable[tuple[str, Item]],
    workers: int | None = None,
) -> list[Result]:
    """`function(item)` for every `(key, item)`, in input order, on up to `workers` processes
    (default: the CPUs this process may use). `function` must be picklable (a module-level
    function or a partial of one) and should be pure: it may run in another process.

    Runs in the calling process when there are fewer than MIN_PARALLEL_ITEMS items or one
    worker. An exception raised on an item is re-raised as ItemFailedError naming its key.
    """
    keyed_items = list(keyed_items)
    workers = _worker_count(workers, len(keyed_items))
    if workers == 1:
        return _apply(function, keyed_items)
    from joblib import Parallel, delayed

    chunks = _chunks(keyed_items, workers * TASKS_PER_WORKER)
    with Parallel(n_jobs=workers, backend="loky") as parallel:
        results = parallel(delayed(_apply)(function, chunk) for chunk in chunks)
    return [result for chunk in results for result in chunk]


def _worker_count(requested: int | None, item_count: int) -> int:
    """1 (the calling process) for small inputs, else `requested` or the usable CPUs."""
    if item_count < MIN_PARALLEL_ITEMS:
        return 1
    if requested is None:
        from joblib import cpu_count

        requested = cpu_count()
    return max(1, requested)


def _apply(function: Callable[[Item], Result], keyed_items: list[tuple[str, Item]]) -> list[Result]:
    """One task: the function over a chunk, naming the key of an item it fails on."""
    results = []
    for key, item in keyed_items:
        try:
            results.append(function(item))
        except Exception as error:
            raise ItemFailedError(key, f"{type(error).__name__}: {error}") from error
    return results


def _chunks(items: list, count: int) -> list[list]:
    """`items` cut into at most `count` contiguous chunks of nearly equal size."""
    size = -(-len(items) // count)
    return [items[start : start + size] for start in range(0, len(items), size)]
