"""Print the current authenticator-app code of a demo login, so a visitor of the demo can sign in.

Demo accounts only (@demo.partnershipportal.org, seeded with the published DEMO_TOTP_SECRET): for any other
account this would hand out a second factor, so it refuses.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnerships.management.commands.seed_demo import DEMO_DOMAIN, DEMO_TOTP_SECRET
from partnerships.security.totp import totp_code, totp_secret


class Command(BaseCommand):
    help = f"Print the current two-factor code of a demo login (…@{DEMO_DOMAIN}); seed_demo sets their app up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help=f"a demo login, e.g. admin@{DEMO_DOMAIN}")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        email = email.strip().lower()
        if not email.endswith(f"@{DEMO_DOMAIN}"):
            raise CommandError(f"Only demo logins (…@{DEMO_DOMAIN}) have a published authenticator key.")
        authenticator = Authenticator.objects.filter(
            user__email__iexact=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator app: run `manage.py seed_demo` first "
                               "(only admin, staff, casemanager and operator use two-factor sign-in).")
        secret = totp_secret(authenticator)
        if secret != DEMO_TOTP_SECRET:
            raise CommandError(f"{email} set up its own authenticator app; run `manage.py seed_demo` to put the "
                               "demo key back.")
        at = time.time()
        seconds_left = mfa_settings.TOTP_PERIOD - int(at) % mfa_settings.TOTP_PERIOD
        self.stdout.write(totp_code(secret, at))
        self.stderr.write(f"valid for {seconds_left} more second{'s' if seconds_left != 1 else ''}; each code signs "
                          "in once")
