"""Accent-insensitive search on PostgreSQL: unaccent + pg_trgm, an IMMUTABLE f_unaccent wrapper, GIN indexes.

``unaccent()`` itself is only STABLE (it reads a dictionary chosen by search_path), so it cannot appear in an
index expression; the wrapper names the dictionary with its schema and is declared IMMUTABLE. Queries must use
exactly the indexed expressions (``learning.search``) or the planner falls back to a scan. On SQLite nothing is
done: the folded ``search_text`` column is searched with LIKE.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    """CREATE INDEX IF NOT EXISTS learning_resource_fts ON learning_resource
       USING gin (to_tsvector('simple'::regconfig, f_unaccent(search_text)))""",
    """CREATE INDEX IF NOT EXISTS learning_resource_trgm ON learning_resource
       USING gin (f_unaccent(search_text) gin_trgm_ops)""",
]
BACKWARD = [
    "DROP INDEX IF EXISTS learning_resource_trgm",
    "DROP INDEX IF EXISTS learning_resource_fts",
    "DROP FUNCTION IF EXISTS f_unaccent(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_resources_and_review")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
