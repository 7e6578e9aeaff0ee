"""The demo's two-factor logins: seed_demo gives the MFA-required demo users the published authenticator key, and
``manage.py demo_totp`` prints their current code (demo accounts only). Only the users step of the seed runs here:
the whole seed takes seconds and is covered by tests/partnerships/test_seed_demo.py."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from partnerships.management.commands.seed_demo import (
    DEMO_DOMAIN,
    DEMO_TOTP_SECRET,
    Command,
    SeedContext,
    seed_authenticators,
    seed_users,
)
from partnerships.security.totp import totp_code, totp_enroll, totp_secret

pytestmark = pytest.mark.django_db


def test_demo_logins_that_need_mfa_get_the_published_key_and_demo_totp_prints_their_code():
    ctx = SeedContext()
    seed_users(ctx)
    seed_authenticators(ctx)
    assert ctx.changes["authenticator app set up"] == 4
    with_app = set(Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user__email", flat=True))
    assert with_app == {f"{name}@{DEMO_DOMAIN}" for name in ("admin", "staff", "casemanager", "operator")}
    assert all(totp_secret(a) == DEMO_TOTP_SECRET for a in Authenticator.objects.filter(type="totp"))

    again = SeedContext()
    seed_users(again)
    seed_authenticators(again)
    assert not again.changes  # idempotent

    out = StringIO()
    before = totp_code(DEMO_TOTP_SECRET)
    call_command("demo_totp", f"admin@{DEMO_DOMAIN}", stdout=out, stderr=StringIO())
    assert out.getvalue().strip() in {before, totp_code(DEMO_TOTP_SECRET)}  # the same 30 seconds, or the next

    # A visitor who set up their own app on a demo login: demo_totp will not guess, the next seed puts the key back.
    totp_enroll(ctx.users[f"staff@{DEMO_DOMAIN}"], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    with pytest.raises(CommandError, match="set up its own"):
        call_command("demo_totp", f"staff@{DEMO_DOMAIN}", stdout=StringIO(), stderr=StringIO())
    third = SeedContext()
    seed_users(third)
    seed_authenticators(third)
    assert third.changes["authenticator app reset"] == 1


def test_demo_totp_refuses_accounts_that_are_not_demo_logins():
    with pytest.raises(CommandError, match="Only demo logins"):
        call_command("demo_totp", "admin@alpha.example", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="no authenticator app"):
        call_command("demo_totp", f"employer@{DEMO_DOMAIN}", stdout=StringIO(), stderr=StringIO())


def test_the_demo_logins_printout_tells_how_to_get_past_the_second_factor():
    out = StringIO()
    Command(stdout=out)._print_logins()
    text = out.getvalue()
    assert "Two-factor sign-in: admin, staff, casemanager and operator also enter a code" in text
    assert DEMO_TOTP_SECRET in text and f"manage.py demo_totp admin@{DEMO_DOMAIN}" in text
