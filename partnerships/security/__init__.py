"""Authentication hardening: two-factor authentication for the roles that need it, PII session limits, token login.

``policy`` says who must use MFA and keeps the per-session marks; ``middleware`` enforces both rules on every
request; ``adapters`` encrypts the MFA secrets at rest; ``signals`` keeps the marks current; ``api`` issues API
tokens only after the same checks as the sign-in page.
"""
