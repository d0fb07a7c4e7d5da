"""The warehouse: SQLAlchemy models, Alembic migrations, loading and analyst views."""
