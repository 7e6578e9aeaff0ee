"""Re-encrypt PII under the newest key, and optionally recompute the keyed match hashes.

Key rotation (README "Participant data: encryption and keys"):
1. put a new salt at the head of FIELD_ENCRYPTION_SALTS (keep the old ones after it), or move SECRET_KEY to
   SECRET_KEY_FALLBACKS and set a new SECRET_KEY; deploy;
2. run ``manage.py pii_rotate_keys``: every participant's SSN and date of birth, every case note and every
   uploaded import file, is read (decrypted with whichever key works) and written back under the first key; so
   are the second factors' secrets (authenticator-app secrets, recovery-code seeds), which are not PII but are
   encrypted under the same keys (partnerships/security/adapters.py);
3. remove the old salt / fallback key.
After changing PII_HASH_KEY, run ``manage.py pii_rotate_keys --rehash`` (with the *new* key set): SSN and
name + date-of-birth hashes are recomputed from the decrypted values, since a hash cannot be re-keyed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from participants.models import CaseNote, ImportJob, Participant
from participants.pii import identity_hash, ssn_hash
from partnerships.audit import audit_record
from partnerships.models import Convener

BATCH = 500


class Command(BaseCommand):
    help = ("Re-encrypt participants' SSN, date of birth, case notes and import files under the newest key "
            "(--rehash: hashes too).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rehash", action="store_true", help="recompute the SSN and identity match hashes")

    def handle(self, *args: Any, rehash: bool = False, **options: Any) -> None:
        people = notes = files = 0
        for convener in Convener.objects.order_by("pk"):
            with transaction.atomic():
                rows = list(Participant.objects.for_convener(convener).order_by("pk"))
                for person in rows:
                    if rehash:
                        person.ssn_hash = ssn_hash(convener_id=convener.pk, ssn_digits=person.ssn) if person.ssn else ""
                        person.identity_hash = identity_hash(
                            convener_id=convener.pk, first_name=person.first_name, last_name=person.last_name,
                            date_of_birth=person.date_of_birth)
                fields = ["ssn", "date_of_birth"] + (["ssn_hash", "identity_hash"] if rehash else [])
                Participant.objects.for_convener(convener).bulk_update(rows, fields, batch_size=BATCH)
                case_notes = list(CaseNote.objects.for_convener(convener).order_by("pk"))
                CaseNote.objects.for_convener(convener).bulk_update(case_notes, ["text"], batch_size=BATCH)
                uploads = ImportJob.objects.for_convener(convener)
                upload_ids = list(uploads.order_by("pk").values_list("pk", flat=True))
                for pk in upload_ids:  # one file at a time: each can be 10 MB
                    uploads.filter(pk=pk).update(payload=bytes(uploads.only("payload").get(pk=pk).payload))
                if rows or case_notes or upload_ids:
                    audit_record(convener=convener, actor=None, action="pii.rotate_keys", source="task",
                                 metadata={"participants": len(rows), "notes": len(case_notes),
                                           "import_files": len(upload_ids), "rehash": rehash})
            people += len(rows)
            notes += len(case_notes)
            files += len(upload_ids)
        factors = rotate_mfa_secrets()
        self.stdout.write(f"Re-encrypted {people} participants, {notes} case notes, {files} import files and "
                          f"{factors} second-factor secrets" + (" and recomputed the match hashes." if rehash else "."))


def rotate_mfa_secrets() -> int:
    """Authenticator-app secrets and recovery-code seeds under the first key (MultiFernet.rotate keeps the
    plaintext and its timestamp); what is not encrypted (security keys' public credentials) is left alone."""
    from allauth.mfa.models import Authenticator

    from partnerships.security.adapters import PREFIX, fernet

    keys = fernet()
    rotated = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
            changed = False
            for name in ("secret", "seed"):
                value = authenticator.data.get(name)
                if isinstance(value, str) and value.startswith(PREFIX):
                    token = keys.rotate(value.removeprefix(PREFIX).encode())
                    authenticator.data[name] = PREFIX + token.decode()
                    changed = True
            if changed:
                authenticator.save(update_fields=["data"])
                rotated += 1
    return rotated
