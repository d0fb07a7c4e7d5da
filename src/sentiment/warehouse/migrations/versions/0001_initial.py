"""Core warehouse: dimensions, facts, quarantine, load state, and the two core analyst views.

Revision ID: 0001
Revises:
"""

from alembic import op

from sentiment.warehouse.models import CORE_TABLES
from sentiment.warehouse.views import CORE_VIEWS

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in CORE_TABLES:
        table.create(bind)
    for sql in CORE_VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in CORE_VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    bind = op.get_bind()
    for table in reversed(CORE_TABLES):
        table.drop(bind)
