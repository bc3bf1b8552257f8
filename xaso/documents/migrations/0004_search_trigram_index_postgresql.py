"""On PostgreSQL, a trigram index on the normalized search text of both registers.

xaso.core.search matches word prefixes with LIKE 'word%' OR LIKE '% word%'; a
pg_trgm GIN index serves both, so a register of 200,000 lines is searched without a full
scan (benchmarks/documents.py). pg_trgm is a trusted extension (PostgreSQL 13+): the
database owner may create it. Where it is not available the migration leaves the
database as it is (searches still work, by scanning). SQLite: nothing to do.
"""

import logging

from django.db import DatabaseError
from django.db import migrations
from django.db import transaction

logger = logging.getLogger(__name__)

INDEXES = [
    ("documents_incoming_search_trgm", "documents_incomingdocument"),
    ("documents_outgoing_search_trgm", "documents_outgoingdocument"),
]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, table in INDEXES:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                    "USING gin (search_text gin_trgm_ops)"
                )
    except DatabaseError as exc:
        logger.warning("pg_trgm unavailable, register search will scan: %s", exc)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, _table in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_handler_reminded_on")]

    operations = [migrations.RunPython(create, drop)]
