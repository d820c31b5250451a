import django.db.models.deletion
from django.db import migrations, models


def set_fillfactor(apps, schema_editor):
    # PostgreSQL only: room in every page so that writing the allocation results is a HOT update (no index
    # entries). SQLite has no such setting and needs none.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE admissions_application SET (fillfactor = 70)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE admissions_application RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0002_application_dossier"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="result_school",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="admissions.roundschool",
                verbose_name="trúng tuyển",
            ),
        ),
        migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False),
    ]
