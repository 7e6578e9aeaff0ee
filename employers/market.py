"""Where an offered wage sits in the regional market (OEWS percentiles of the partnership's area)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from employers.models import LaborMarketArea, Occupation, OccupationWage


@dataclass(frozen=True)
class MarketPosition:
    wage: Decimal
    percentile: int | None  # 10..90, None when outside the published range
    below_p10: bool
    above_p90: bool
    market: OccupationWage

    def sentence(self, occupation: Occupation, area: LaborMarketArea) -> str:
        where = f"{occupation.title} in the {area.name} {'metro' if area.area_type == 'M' else 'area'}"
        if self.below_p10:
            return f"${self.wage:.2f} is below the 10th percentile (${self.market.hourly_p10}) of {where}"
        if self.above_p90:
            return f"${self.wage:.2f} is above the 90th percentile (${self.market.hourly_p90}) of {where}"
        return f"${self.wage:.2f} is at the {_ordinal(self.percentile or 0)} percentile of {where}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def market_wage(*, area: LaborMarketArea | None, occupation: Occupation) -> OccupationWage | None:
    if area is None:
        return None
    return OccupationWage.objects.filter(area=area, occupation=occupation).first()


def market_position(*, wage: Decimal, market: OccupationWage) -> MarketPosition | None:
    """Linear interpolation between the published hourly percentiles (10, 25, 50, 75, 90)."""
    points = [(10, market.hourly_p10), (25, market.hourly_p25), (50, market.hourly_median),
              (75, market.hourly_p75), (90, market.hourly_p90)]
    known = [(p, w) for p, w in points if w is not None]
    if len(known) < 2:
        return None
    wage = Decimal(wage)
    if wage < known[0][1]:
        return MarketPosition(wage, None, True, False, market)
    if wage > known[-1][1]:
        return MarketPosition(wage, None, False, True, market)
    for (p_lo, w_lo), (p_hi, w_hi) in itertools.pairwise(known):
        if w_lo <= wage <= w_hi:
            share = (wage - w_lo) / (w_hi - w_lo) if w_hi != w_lo else Decimal(0)
            percentile = Decimal(p_lo) + share * (p_hi - p_lo)
            rounded = int(percentile.to_integral_value(rounding=ROUND_HALF_UP))  # 82.5 -> 83 (not half-even 82)
            return MarketPosition(wage, rounded, False, False, market)
    return None
