"""Storage: SQLAlchemy 2 tables, repositories and Alembic migrations for drafts, revisions, reviews, events
and eval runs. SQLite (a file, nothing to set up) by default; PostgreSQL by URL when replicas share it.

Everything here is synchronous; the async service calls it in worker threads (service.review does).
"""

from service.store.engine import Store, open_store
from service.store.migrate import upgrade

__all__ = ["Store", "open_store", "upgrade"]
