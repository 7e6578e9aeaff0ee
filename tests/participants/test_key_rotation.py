"""Key rotation, as the README describes it: a new salt at the head of FIELD_ENCRYPTION_SALTS, re-save with
``pii_rotate_keys``, drop the old salt; and ``--rehash`` after a new PII_HASH_KEY."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from participants import services
from participants.models import CaseNote, ImportJob, Participant
from partnerships.security.totp import totp_enroll, totp_secret
from tests.participants.conftest import Agency, intake

ENCRYPTED = [(Participant, "ssn"), (Participant, "date_of_birth"), (CaseNote, "text"), (ImportJob, "payload")]
UPLOAD = b"first_name,last_name,ssn\nDana,Whitfield,123-45-6789\n"


def forget_keys() -> None:
    """The encrypted fields derive their Fernet keys once per process (a cached property); a deploy restarts
    the process, a test clears the cache."""
    for model, name in ENCRYPTED:
        field = model._meta.get_field(name)
        field.__dict__.pop("keys", None)
        field.__dict__.pop("f", None)


@contextmanager
def salts(*values: str) -> Iterator[None]:
    with override_settings(SALT_KEY=list(values)):
        forget_keys()
        try:
            yield
        finally:
            forget_keys()


def test_rotating_the_salt_re_encrypts_everything(agency: Agency) -> None:
    old = settings.SALT_KEY[0]
    person = intake(agency)
    services.note_add(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                      text="Prefers evening calls.")
    upload = ImportJob.objects.create(convener=agency.convener, kind="participants", filename="people.csv",
                                      payload=UPLOAD, organization=agency.goodwill, created_by=agency.cm.user)
    with salts("salt-2027"):  # the new salt alone cannot read what the old one wrote
        unreadable = Participant.objects.for_convener(agency.convener).filter(pk=person.pk).values_list("ssn",
                                                                                                   flat=True)
        assert list(unreadable) != ["123456789"]
    _, secret = totp_enroll(agency.cm.user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # a second factor, same keys
    with salts("salt-2027", old):
        call_command("pii_rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with salts("salt-2027"):  # after the rotation, the old salt can go
        fresh = Participant.objects.for_convener(agency.convener).get(pk=person.pk)
        assert fresh.ssn == "123456789" and str(fresh.date_of_birth) == "1990-05-17"
        assert CaseNote.objects.for_convener(agency.convener).get().text == "Prefers evening calls."
        assert bytes(ImportJob.objects.for_convener(agency.convener).get(pk=upload.pk).payload) == UPLOAD
        assert totp_secret(Authenticator.objects.get(user=agency.cm.user, type=Authenticator.Type.TOTP)) == secret
        codes = RecoveryCodes(Authenticator.objects.get(user=agency.cm.user, type=Authenticator.Type.RECOVERY_CODES))
        assert len(codes.get_unused_codes()) == 10


def test_rehash_after_a_new_hash_key_keeps_duplicate_detection_working(agency: Agency) -> None:
    person = intake(agency)
    with override_settings(PII_HASH_KEY="a-brand-new-hash-key-0123456789"):
        before = Participant.objects.for_convener(agency.convener).get(pk=person.pk).ssn_hash
        call_command("pii_rotate_keys", "--rehash", stdout=open("/dev/null", "w"))  # noqa: SIM115
        after = Participant.objects.for_convener(agency.convener).get(pk=person.pk).ssn_hash
        assert after != before
        assert services.duplicate_candidates(convener=agency.convener, ssn_digits="123456789") == [person]
