"""Employer demand: demand surveys, skill needs and aggregated demand (the employer-demand issue)."""
