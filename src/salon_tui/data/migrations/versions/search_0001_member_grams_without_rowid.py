"""member grams: one B-tree without rowid on SQLite, no foreign key to the member

Revision ID: search_0001
Revises: imports_0001
Create Date: 2026-11-30 07:50:00

The search grams are derived from the member row (services/member_search writes them,
erasure deletes them, members are never deleted). Checking a foreign key for each of
the 1.2 million grams of a 100,000-member import cost more than writing them, and on
SQLite a rowid table stored every gram twice (the table and its primary key's index).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "search_0001"
down_revision: str | Sequence[str] | None = "imports_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TABLE = """
CREATE TABLE {name} (
    archived BOOLEAN NOT NULL,
    gram VARCHAR(64) NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (archived, gram, member_id){foreign_key}
){options}
"""
_FOREIGN_KEY = ",\n    FOREIGN KEY(member_id) REFERENCES member (id) ON DELETE CASCADE"


def _rebuild_sqlite(*, without_rowid: bool) -> None:
    """Copy the grams into a new table (in key order) and put it in the old one's place."""
    op.execute(
        _SQLITE_TABLE.format(
            name="member_gram_new",
            foreign_key="" if without_rowid else _FOREIGN_KEY,
            options=" WITHOUT ROWID" if without_rowid else "",
        )
    )
    op.execute(
        "INSERT INTO member_gram_new (archived, gram, member_id) "
        "SELECT archived, gram, member_id FROM member_gram ORDER BY archived, gram, member_id"
    )
    op.execute("DROP TABLE member_gram")
    op.execute("ALTER TABLE member_gram_new RENAME TO member_gram")
    op.execute("CREATE INDEX ix_member_gram_member ON member_gram (member_id)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(without_rowid=True)
    else:
        op.drop_constraint("member_gram_member_id_fkey", "member_gram", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(without_rowid=False)
    else:
        op.create_foreign_key(
            "member_gram_member_id_fkey",
            "member_gram",
            "member",
            ["member_id"],
            ["id"],
            ondelete="CASCADE",
        )
