from django.db import migrations


def load(apps, schema_editor):
    from accounts.regions import load_regions

    load_regions(apps.get_model("accounts", "Region"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
