from django.db import migrations

TABLES = ["matchmaking_technologyneed", "matchmaking_researchresult"]


def create(apps, schema_editor):
    # Only PostgreSQL has GIN full-text indexes; SQLite searches with LIKE alone.
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} "
            "USING gin (to_tsvector('simple', search_tokens))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin")


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0003_search_tokens")]

    operations = [migrations.RunPython(create, drop)]
