"""Employer demand: public reference data (SOC occupations, OEWS wages), then surveys and skill needs."""

from __future__ import annotations

from django.db import models


class LaborMarketArea(models.Model):
    """An OEWS area: the nation, a state, or a metropolitan area. Public reference data, not tenant-owned."""

    class AreaType(models.TextChoices):
        NATIONAL = "N", "National"
        STATE = "S", "State"
        METRO = "M", "Metropolitan area"

    code = models.CharField(max_length=7, unique=True)
    area_type = models.CharField(max_length=1, choices=AreaType.choices)
    state_fips = models.CharField(max_length=2)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["area_type", "name"]

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """A SOC 2018 occupation or group (code like 51-4121). Public reference data."""

    soc_code = models.CharField("SOC code", max_length=7, unique=True)
    title = models.CharField(max_length=200)
    # 0 major group, 1 minor group, 2 broad occupation, 3 detailed occupation (OEWS display level).
    level = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["soc_code"]
        indexes = [models.Index(fields=["level", "soc_code"], name="occupation_level_code")]

    def __str__(self) -> str:
        return f"{self.soc_code} {self.title}"

    @property
    def is_detailed(self) -> bool:
        return self.level == 3


class OccupationWage(models.Model):
    """OEWS cross-industry employment and wages of one occupation in one area (May 2025 release)."""

    area = models.ForeignKey(LaborMarketArea, on_delete=models.CASCADE, related_name="wages")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="wages")
    release = models.CharField(max_length=8, default="2025A01")
    employment = models.PositiveIntegerField(null=True, blank=True)
    hourly_mean = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p10 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p25 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_median = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p75 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_p90 = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    annual_mean = models.PositiveIntegerField(null=True, blank=True)
    annual_p10 = models.PositiveIntegerField(null=True, blank=True)
    annual_p25 = models.PositiveIntegerField(null=True, blank=True)
    annual_median = models.PositiveIntegerField(null=True, blank=True)
    annual_p75 = models.PositiveIntegerField(null=True, blank=True)
    annual_p90 = models.PositiveIntegerField(null=True, blank=True)
    # BLS marks top-coded wages (>= $115/hour) and unreleased estimates; kept so pages can say so.
    footnotes = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "occupation", "release"], name="wage_one_per_area_occupation"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.soc_code} in {self.area}"
