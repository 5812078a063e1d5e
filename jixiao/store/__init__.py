"""The store: forms, their source files, assessments, findings and audit log in a database.

SQLAlchemy 2 with Alembic migrations; SQLite (a file) by default, PostgreSQL by URL. Use the
service object: `open_store(url) -> Store`, then `Store.import_file(...)`, `Store.list_forms(...)`.
"""

from .errors import Conflict, Forbidden, Invalid, NeedsConfirmation, NotFound
from .imports import ImportResult
from .queries import Dashboard, FormFilter
from .service import Store, open_store

__all__ = ["Conflict", "Dashboard", "Forbidden", "FormFilter", "ImportResult", "Invalid", "NeedsConfirmation", "NotFound", "Store",
           "open_store"]
