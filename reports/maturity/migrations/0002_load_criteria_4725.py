"""Data: Decision 4725/QĐ-BGDĐT's criteria set, version 1 (idempotent: re-running changes nothing)."""

from django.db import migrations


def load(apps, schema_editor):
    from reports.maturity import criteria_4725
    from reports.maturity.loader import load_criteria_set

    load_criteria_set(
        definition=criteria_4725.DEFINITION,
        criteria_set_model=apps.get_model("maturity", "CriteriaSet"),
        criterion_model=apps.get_model("maturity", "Criterion"),
    )


class Migration(migrations.Migration):
    dependencies = [("maturity", "0001_dx_assessment")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
