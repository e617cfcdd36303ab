"""Alembic environment: runs on the connection that `storage.schema` hands it.

The bot's engine is async; Alembic is sync. Rather than open a second, sync driver, the
schema module runs Alembic inside `AsyncConnection.run_sync` (Alembic's connection-sharing
recipe), so migrations work on aiosqlite and asyncpg alike and inside a running loop.
"""

from alembic import context

from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `kuager db upgrade`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
