"""Database-level security on PostgreSQL: row-level security policies, the application role and the audit triggers.

Only migrations live here (the runtime side is partnerships/rls.py); a separate app keeps them out of the way of the
other apps' migration numbering."""
