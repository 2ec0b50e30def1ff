"""The review loop: products the models are unsure of go to a person, whose verdicts are kept.

Storage is SQLAlchemy 2 over SQLite by default (a file in the cache folder, created on first use)
or PostgreSQL when ``ESHOPPYE_DB_URL`` is set (:mod:`eshoppye.review.db`); the schema lives in
:mod:`eshoppye.review.schema` and is versioned with Alembic migrations shipped in
``migrations/``. :mod:`eshoppye.review.store` queues predictions and records verdicts
(append-only: a new review supersedes the previous one, history stays);
:mod:`eshoppye.review.export` writes corrected products back in the challenge format.
"""

from eshoppye.review.db import ReviewUnavailable, database_url  # noqa: F401
