"""Alembic migrations of the warehouse (run through `sentiment.warehouse.db.upgrade`)."""
