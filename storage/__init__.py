"""Storage: the only place with SQL (schema, migrations, repositories, PTB persistence)."""

from storage.db import Database, backup_database

__all__ = ["Database", "backup_database"]
