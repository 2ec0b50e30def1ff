"""Alembic environment of the review database: runs on the connection given by
:func:`eshoppye.review.db.upgrade` (never from a configuration file). Imported outside a migration
run (for instance by the architecture test), it does nothing."""

from alembic import context

from eshoppye.review.schema import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only run through eshoppye.review.db.upgrade
        raise RuntimeError("run the review migrations through eshoppye.review.db.upgrade()")
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


try:
    _running = context.config is not None
except (NameError, AttributeError):  # alembic's proxy is not set up: a plain import
    _running = False
if _running:
    run_migrations()
