"""Which warehouses the retraining sensor trains, and the runs that train exactly those."""


def retrain_reasons(
    active: list[str],
    trained_at: dict[str, int],
    drifted: set[str],
    drift_seen_at: int,
    champion_elected_at: int | None = None,
) -> dict[str, str]:
    """Why each active warehouse needs a new model; warehouses not listed keep theirs.

    `trained_at` holds the storage id of each warehouse's latest model materialisation and
    `drift_seen_at` that of the features materialisation that reported `drifted` (decided
    fleet-wide under false-discovery-rate control): a drifted warehouse whose model was trained
    after that evidence is not trained again for it. `champion_elected_at` is the storage id of
    the detector evaluation that promoted a new champion method (labels people gave feed that
    evaluation): every model trained before it is trained again with the new champion.
    """
    reasons = {}
    for key in active:
        if key not in trained_at:
            reasons[key] = "no model yet"
        elif champion_elected_at is not None and trained_at[key] < champion_elected_at:
            reasons[key] = "new champion method"
        elif key in drifted and trained_at[key] < drift_seen_at:
            reasons[key] = "usage drifted"
    return reasons


def contiguous_runs(needed: set[str], order: list[str]) -> list[tuple[str, str]]:
    """(first, last) partition keys of each run of consecutive keys of `order` that are all
    `needed`: a single-run backfill trains one contiguous range, so a run per range trains
    exactly the needed warehouses and no neighbour in between."""
    runs, start, previous = [], None, None
    for key in order:
        if key in needed:
            start = key if start is None else start
            previous = key
        elif start is not None:
            runs.append((start, previous))
            start = None
    if start is not None:
        runs.append((start, previous))
    return runs
