"""The default detector: a trailing robust baseline that anomalies cannot drag.

Credits are compared in log space, so "3x the usual" means the same on a 2-credit and a
200-credit warehouse. A warehouse's profile (fitted once) holds its weekly pattern, its
month-end or month-start peaks, how often it runs at all on each weekday, and how noisy its
active days are. Scoring walks the days in order: each day is compared with the median of the
warehouse's recent ordinary active days, so a day's verdict depends only on its past.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from snowpatrol_assets.detection.month_calendar import CALENDARS, month_positions

NEGLIGIBLE_CREDITS = 0.01
"""A day below this used no real compute: it counts as a day the warehouse did not run."""

THRESHOLD = 3.0
"""A day is unusual when its log credits sit more than three noise scales above the baseline."""

NOISE_FLOOR = 0.2
"""No warehouse is treated as steadier than about +-20 % day to day (log scale), so even the
most regular warehouse needs about 1.8x its usual credits (e^(3 * 0.2)) to be unusual."""

BASELINE_DAYS = 14
"""The baseline is the median of the warehouse's last 14 ordinary active days..."""

LOOKBACK_DAYS = 56
"""...within the last eight weeks..."""

RECENT_DAYS = 7
"""...or of the last 7 of them when those sit more than one noise scale higher: a growing
warehouse (a new one ramping up) is compared with its latest week."""

MIN_BASELINE_DAYS = 3
"""With fewer ordinary active days in the window, the last known baseline is kept."""

SHIFT_DAYS = 15
"""A persistent level shift: the median of the last 15 days (idle days count as lowest) is far
above the baseline. A runaway of up to 7 days cannot move that median; a new level can, once
it has lasted 8 days, and the baseline then restarts from those 8 days."""

SHIFT_SCALES = 2.5
"""How far (in noise scales) the recent median must exceed the baseline to count as a shift."""

RUN_THRESHOLD = SHIFT_SCALES
"""The day after an unusual day stays unusual down to this score: a runaway plateau is
flagged to its last day. (Equal to SHIFT_SCALES, so a run that never ends becomes a shift.)"""

PEAK_RATIO = 1.5
"""A calendar position (e.g. last day of the month) is a peak when its usage is typically at
least 1.5x the same weekday elsewhere in the month..."""

PEAK_MONTHS = 2
"""...in at least two months of history."""

_FIT_LEVEL_DAYS = 29  # centred window of the level the weekly and calendar effects are read from


@dataclass(frozen=True)
class RobustProfile:
    """What the detector learnt about one warehouse (all in natural-log credits).

    `weekday_effect`/`weekday_activity`: each weekday's usage relative to the warehouse's level
    and the share of those days it runs at all. `peaks`: (calendar, position, effect, activity)
    of calendar positions that peak, e.g. a finance warehouse's last three days of the month;
    a peak day overrides the weekly pattern. `noise_scale`: robust spread (scaled MAD) of
    active days around the median of the previous 14 (at least NOISE_FLOOR). `level`: the
    median active day, the baseline before any history is known.
    """

    weekday_effect: tuple[float, ...]
    weekday_activity: tuple[float, ...]
    peaks: tuple[tuple[int, int, float, float], ...]
    noise_scale: float
    level: float


def fit_profile(daily: pd.Series) -> RobustProfile:
    """Learns the profile from a complete daily series of credits (no gaps)."""
    from scipy.stats import median_abs_deviation

    log_credits, active = _log_credits(daily)
    seen = pd.Series(np.where(active, log_credits, np.nan), index=daily.index)
    local = seen.rolling(_FIT_LEVEL_DAYS, center=True, min_periods=1).median()
    deviation = (seen - local).to_numpy()
    weekday = daily.index.dayofweek.to_numpy()
    weekday_effect = np.array([_median(deviation[weekday == w], 0.0) for w in range(7)])
    weekday_activity = tuple(_share(active[weekday == w]) for w in range(7))
    beyond_weekday = deviation - weekday_effect[weekday]
    positions = month_positions(daily.index)
    peaks = []
    for calendar in range(len(CALENDARS)):
        for position in range(CALENDARS[calendar][1]):
            days = positions[:, calendar] == position
            observed = beyond_weekday[days & active]
            if len(observed) >= PEAK_MONTHS and np.median(observed) >= np.log(PEAK_RATIO):
                effect = float(np.median(deviation[days & active]))
                peaks.append((calendar, position, effect, _share(active[days])))
    profile = RobustProfile(
        weekday_effect=tuple(float(e) for e in weekday_effect),
        weekday_activity=weekday_activity,
        peaks=tuple(peaks),
        noise_scale=NOISE_FLOOR,
        level=_median(seen.to_numpy(), float(np.log(NEGLIGIBLE_CREDITS))),
    )
    effect, _ = seasonal_effect(profile, daily.index)
    deseasoned = pd.Series(log_credits - effect)[active]
    trailing = deseasoned.rolling(BASELINE_DAYS, min_periods=MIN_BASELINE_DAYS).median().shift(1)
    spread = (deseasoned - trailing).dropna().to_numpy()
    if len(spread) >= MIN_BASELINE_DAYS:
        noise = float(median_abs_deviation(spread, scale="normal"))
        profile = replace(profile, noise_scale=max(NOISE_FLOOR, noise))
    return profile


def seasonal_effect(
    profile: RobustProfile, days: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Each day's log effect relative to the warehouse's level and its chance of running.

    A day on a peak position takes the larger of its weekday and peak effects, so a month-end
    close falling on a Saturday is expected at month-end size, not at Saturday size.
    """
    weekday = days.dayofweek.to_numpy()
    effect = np.asarray(profile.weekday_effect)[weekday]
    activity = np.asarray(profile.weekday_activity)[weekday]
    positions = month_positions(days)
    for calendar, position, peak_effect, peak_activity in profile.peaks:
        peak = (positions[:, calendar] == position) & (peak_effect > effect)
        effect = np.where(peak, peak_effect, effect)
        activity = np.where(peak, peak_activity, activity)
    return effect, activity


def score_days(
    profile: RobustProfile, daily: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected credits, robust score and the unusual flag of each day of a complete series.

    A day's baseline is the median deseasoned log credits of the warehouse's last 14 ordinary
    active days (see BASELINE_DAYS): days that were themselves unusual are left out, so a
    multi-day runaway stays anomalous to its last day. The score is how many noise scales the
    day sits above its baseline; a day is unusual above THRESHOLD, or above RUN_THRESHOLD right
    after an unusual day. When the last 15 days sit far above the baseline (a level shift), the
    baseline restarts from the last 8 days. Expected credits are the baseline with the day's
    weekly or calendar effect, times the share of such days the warehouse runs at all, so they
    are never negative.
    """
    log_credits, active = _log_credits(daily)
    effect, activity = seasonal_effect(profile, daily.index)
    deseasoned = log_credits - effect
    recent = np.where(active, deseasoned, -np.inf)  # idle days rank lowest in the shift test
    trusted = active.copy()
    baseline = np.empty(len(daily))
    scores = np.empty(len(daily))
    unusual = np.zeros(len(daily), dtype=bool)
    level, start = profile.level, 0
    for day in range(len(daily)):
        if day >= SHIFT_DAYS:
            shifted = _window_median(recent[day - SHIFT_DAYS : day]) - level
            if shifted > SHIFT_SCALES * profile.noise_scale:
                start = day - SHIFT_DAYS // 2 - 1
                trusted[start:day] = active[start:day]
        first = max(start, day - LOOKBACK_DAYS)
        window = deseasoned[first:day][trusted[first:day]][-BASELINE_DAYS:]
        if len(window) >= MIN_BASELINE_DAYS:
            level = _baseline(window, profile.noise_scale)
        baseline[day] = level
        scores[day] = (deseasoned[day] - level) / profile.noise_scale
        bar = RUN_THRESHOLD if day and unusual[day - 1] else THRESHOLD
        unusual[day] = active[day] and scores[day] > bar
        trusted[day] = active[day] and not unusual[day]
    expected = activity * np.exp(baseline + effect)
    return expected, scores, unusual


def _baseline(window: np.ndarray, noise_scale: float) -> float:
    """Median of the window, or of its last week when that is clearly higher (growing)."""
    fortnight, week = _window_median(window), _window_median(window[-RECENT_DAYS:])
    return float(week if week - fortnight > noise_scale else fortnight)


def _window_median(values: np.ndarray) -> float:
    """The median of a short window, as np.median gives it (the mean of the two middle values
    of an even count). np.median costs about 12 us per call whatever the size, against 1.6 us
    for sorting 14 values; with three medians per day it was most of the scoring time."""
    ordered = np.sort(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _log_credits(daily: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Natural-log credits (negligible days at the floor) and whether the warehouse ran."""
    credits = daily.to_numpy(dtype=float)
    return np.log(np.maximum(credits, NEGLIGIBLE_CREDITS)), credits > NEGLIGIBLE_CREDITS


def _median(values: np.ndarray, unknown: float) -> float:
    """Median of the known (non-NaN) values, or `unknown` when there are none."""
    known = values[~np.isnan(values)]
    return float(np.median(known)) if len(known) else unknown


def _share(flags: np.ndarray) -> float:
    return float(flags.mean()) if len(flags) else 0.0
