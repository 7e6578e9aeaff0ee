"""Seed the funding streams of DOMAIN.md §3 (public reference data)."""

from django.db import migrations


def seed(apps, schema_editor):
    from programs.models import FUNDING_STREAMS

    FundingStream = apps.get_model("programs", "FundingStream")
    for order, (code, name, description) in enumerate(FUNDING_STREAMS):
        FundingStream.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
