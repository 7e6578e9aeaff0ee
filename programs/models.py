"""Programs, cohorts and outcome reports (the programs and outcomes issues)."""
