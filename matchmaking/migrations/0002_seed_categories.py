from django.db import migrations


def seed(apps, schema_editor):
    from matchmaking.listings.categories import load_categories

    load_categories(apps.get_model("matchmaking", "Category"))


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
