"""Alembic environment of the review database: runs on the connection given by
:func:`eshoppye.review.db.upgrade` (never from a configuration file)."""

from alembic import context

from eshoppye.review.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only run through eshoppye.review.db.upgrade
    raise RuntimeError("run the review migrations through eshoppye.review.db.upgrade()")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
