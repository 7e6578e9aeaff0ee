"""Participants, funding-stream enrollments, consent, services, placements (the case-manager issue)."""
