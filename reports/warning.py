"""Early warning (热点预警): a category, district or merchant whose tickets this week rise far
above its own recent baseline.

For each value, this week's count x is compared with its counts in the 8 weeks before
(the baseline mean m and standard deviation s). It is flagged when all three hold:
- x ≥ WARNING_MIN_COUNT (a handful of tickets is never a trend);
- z = (x − m) / max(s, √m, 1) ≥ WARNING_Z: far above the baseline in its own usual spread
  (a value that normally swings widely needs a bigger jump; √m is the spread a Poisson
  count has, so a quiet baseline with s = 0 does not make every small rise "infinite");
- the Poisson tail P(X ≥ x | mean max(m, 0.5)) < 0.001: unlikely as chance.
All counts come from one grouped query per dimension with a conditional sum per week.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from reports.periods import Period
from reports.ticket_figures import TICKET_DIMENSIONS, ticket_counts

BASELINE_WEEKS = 8
POISSON_ALPHA = 0.001
DIMENSIONS = ("category", "district", "merchant")


@dataclass(frozen=True)
class EarlyWarning:
    dimension: str
    value: str
    count: int
    baseline_mean: float
    baseline_sd: float
    z: float
    p_value: float
    weeks: list[int]  # the baseline, oldest first
    first: date  # this week's days, for the link to the tickets behind it
    last: date

    @property
    def ratio(self) -> float | None:
        return self.count / self.baseline_mean if self.baseline_mean else None


def poisson_tail(x: int, mean: float) -> float:
    """P(X ≥ x) for X ~ Poisson(mean), summed in log space (no overflow for large x)."""
    if x <= 0:
        return 1.0
    below = sum(math.exp(k * math.log(mean) - mean - math.lgamma(k + 1)) for k in range(x))
    return max(0.0, 1.0 - below)


def assess(
    dimension: str,
    value: str,
    count: int,
    baseline: list[int],
    week: Period,
    min_count: int,
    z_threshold: float,
) -> EarlyWarning | None:
    """The warning for one value, or None when its count is within normal fluctuation."""
    if count < min_count:
        return None
    mean = sum(baseline) / len(baseline) if baseline else 0.0
    sd = math.sqrt(sum((x - mean) ** 2 for x in baseline) / len(baseline)) if baseline else 0.0
    spread = max(sd, math.sqrt(mean), 1.0)
    z = (count - mean) / spread
    p = poisson_tail(count, max(mean, 0.5))
    if z < z_threshold or p >= POISSON_ALPHA:
        return None
    return EarlyWarning(dimension, value, count, mean, sd, z, p, baseline, week.first, week.last)


def warnings(
    last_day: date, zone: ZoneInfo, min_count: int = 10, z_threshold: float = 3.0
) -> list[EarlyWarning]:
    """Warnings for the 7 days ending on `last_day` (an ISO week when it is a Sunday),
    strongest first."""
    week = Period(last_day - timedelta(days=6), last_day, "week")
    ranges = {"w0": week.bounds(zone)}
    for back in range(1, BASELINE_WEEKS + 1):
        shifted = Period(week.first - timedelta(weeks=back), week.last - timedelta(weeks=back))
        ranges[f"w{back}"] = shifted.bounds(zone)
    found = []
    for dimension in DIMENSIONS:
        # only values with enough tickets this week come back from the database
        counts = ticket_counts(TICKET_DIMENSIONS[dimension], ranges, at_least=("w0", min_count))
        for value, by_week in counts.items():
            baseline = [by_week[f"w{back}"] for back in range(BASELINE_WEEKS, 0, -1)]
            warning = assess(
                dimension, value, by_week["w0"], baseline, week, min_count, z_threshold
            )
            if warning:
                found.append(warning)
    found.sort(key=lambda w: (-w.z, w.dimension, w.value))
    return found
