"""Import files encrypted at rest (participants/fields.py): the column stays ``bytea``; the rows already there are
read (plain bytes: the field passes anything that is not a Fernet token through) and written back encrypted."""

from django.db import migrations

import participants.fields


def encrypt_existing(apps, schema_editor):
    ImportJob = apps.get_model("participants", "ImportJob")
    jobs = ImportJob._base_manager.using(schema_editor.connection.alias)
    for pk in jobs.values_list("pk", flat=True).order_by("pk"):
        job = jobs.only("pk", "payload").get(pk=pk)
        jobs.filter(pk=pk).update(payload=bytes(job.payload))


class Migration(migrations.Migration):

    dependencies = [
        ('participants', '0006_list_order_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importjob',
            name='payload',
            field=participants.fields.EncryptedBinaryField(),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
