"""Form ids and question names as long as the survey tools allow: an XLSForm without a
`form_id` setting is named after its file (`Survei_Persepsi_Warga_2026_final.xlsx`), and
ODK Central keeps that id. form_id 32 → 128, question_id 96 → 255, question name 64 → 128,
question group path 48 → 255.

The views that read these columns are dropped and recreated exactly as the database holds
them (PostgreSQL cannot change the type of a column a view uses); their grants are restored.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sentiment.errors import SentimentError

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# table → [(column, narrow length, wide length)]
COLUMNS: dict[str, list[tuple[str, int, int]]] = {
    "dim_question": [("question_id", 96, 255), ("form_id", 32, 128), ("name", 64, 128),
                     ("grp", 48, 255)],
    "dim_choice": [("question_id", 96, 255)],
    "fact_answer": [("question_id", 96, 255)],
    "fact_text": [("question_id", 96, 255)],
    "ingest_batch": [("form_id", 32, 128)],
    "fact_response": [("form_id", 32, 128)],
    "quarantine": [("form_id", 32, 128)],
}
_NULLABLE = {("dim_question", "grp")}


def _views(conn: sa.Connection) -> list[tuple[str, str]]:
    """Every view with the statement that creates it, in creation order (dependencies first)."""
    if conn.dialect.name == "sqlite":
        return list(conn.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid")).all())
    rows = conn.execute(sa.text(
        "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'v' AND n.nspname = current_schema() ORDER BY c.oid")).all()
    return [(name, f"CREATE VIEW {name} AS {body}") for name, body in rows]


def _grants(conn: sa.Connection, views: list[str]) -> list[tuple[str, str, str]]:
    if conn.dialect.name == "sqlite" or not views:
        return []
    return list(conn.execute(sa.text(
        "SELECT table_name, privilege_type, grantee FROM information_schema.role_table_grants "
        "WHERE table_schema = current_schema() AND table_name = ANY(:views) "
        "AND grantee <> current_user"), {"views": views}).all())


def _retype(wide: bool) -> None:
    conn = op.get_bind()
    views = _views(conn)
    grants = _grants(conn, [name for name, _ in views])
    for name, _ in reversed(views):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column, narrow, broad in columns:
                to, was = (broad, narrow) if wide else (narrow, broad)
                batch.alter_column(column, type_=sa.String(to), existing_type=sa.String(was),
                                   existing_nullable=(table, column) in _NULLABLE)
    for _, sql in views:
        op.execute(sql)
    for view, privilege, grantee in grants:
        op.execute(f'GRANT {privilege} ON {view} TO "{grantee}"')


def upgrade() -> None:
    _retype(wide=True)


def downgrade() -> None:
    conn = op.get_bind()
    for table, columns in COLUMNS.items():
        for column, narrow, _ in columns:
            longest = conn.execute(sa.text(f"SELECT MAX(LENGTH({column})) FROM {table}")).scalar()
            if longest and longest > narrow:
                raise SentimentError(f"{table}.{column} holds values of {longest} characters: revision "
                                   f"0010 allows {narrow}; keep this revision")
    _retype(wide=False)
