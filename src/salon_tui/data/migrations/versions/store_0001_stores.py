"""stores: a chain's stores, and the store of each sale, refund, payment, drawer, expense
and booking

Revision ID: store_0001
Revises: prepaid_0003
Create Date: 2026-11-30

Makes one store for what the database already holds, named after the shop, and gives
every existing row that store. The day's number series of sales and refunds become the
series of that store, so the next number of the day follows the last one.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import salon_tui.data.types

revision: str = "store_0001"
down_revision: str | Sequence[str] | None = "prepaid_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_CODE = "MAIN"
STAMPED = ("sale", "refund", "payment", "drawer_session", "expense", "booking")
NUMBERED = ("sale", "refund")
# Sold at a store, but also made without one (imports, expiry): the store may be null.
SOLD = {
    "stored_value_entry": "kind IN ('top_up', 'reversal')",
    "member_package": "1 = 1",
    "gift_card": "1 = 1",
}


def _setting(connection: sa.Connection, key: str) -> str:
    row = connection.execute(
        sa.text("SELECT value_json FROM setting WHERE key = :key"), {"key": key}
    ).first()
    if row is None:
        return ""
    value = json.loads(row[0])
    return value if isinstance(value, str) else ""


def upgrade() -> None:
    op.create_table(
        "store",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", salon_tui.data.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("store", schema=None) as batch_op:
        batch_op.create_index("ux_store_code", ["code"], unique=True)

    connection = op.get_bind()
    store = sa.table(
        "store",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("address", sa.String),
        sa.column("phone", sa.String),
        sa.column("active", sa.Boolean),
        sa.column("created_at", salon_tui.data.types.UTCDateTime()),
    )
    connection.execute(
        store.insert().values(
            code=DEFAULT_CODE,
            name=_setting(connection, "shop.name")[:80],
            address=_setting(connection, "shop.address")[:200],
            phone=_setting(connection, "shop.phone")[:40],
            active=True,
            created_at=datetime.now(UTC),
        )
    )
    store_id = connection.execute(sa.text("SELECT id FROM store")).scalar_one()

    for table in STAMPED:
        op.add_column(table, sa.Column("store_id", sa.Integer(), nullable=True))
        stamp = sa.table(table, sa.column("store_id", sa.Integer))
        connection.execute(stamp.update().values(store_id=store_id))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("store_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(f"fk_{table}_store", "store", ["store_id"], ["id"])
            if table in NUMBERED:
                batch_op.drop_constraint(f"ux_{table}_day_seq", type_="unique")
                batch_op.create_unique_constraint(
                    f"ux_{table}_day_seq", ["business_day", "store_id", "day_seq"]
                )
    for table, which in SOLD.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("store_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(f"fk_{table}_store", "store", ["store_id"], ["id"])
        connection.execute(
            sa.text(f"UPDATE {table} SET store_id = :id WHERE {which}"),  # noqa: S608
            {"id": store_id},
        )
    for series in NUMBERED:
        connection.execute(
            sa.text("UPDATE number_sequence SET series = :new WHERE series = :old"),
            {"new": f"{series}/{store_id}", "old": series},
        )


def downgrade() -> None:
    connection = op.get_bind()
    first = connection.execute(sa.text("SELECT min(id) FROM store")).scalar_one()
    for series in NUMBERED:
        connection.execute(
            sa.text("DELETE FROM number_sequence WHERE series LIKE :any AND series != :first"),
            {"any": f"{series}/%", "first": f"{series}/{first}"},
        )
        connection.execute(
            sa.text("UPDATE number_sequence SET series = :old WHERE series = :first"),
            {"old": series, "first": f"{series}/{first}"},
        )
    for table in SOLD:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_store", type_="foreignkey")
            batch_op.drop_column("store_id")
    for table in reversed(STAMPED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in NUMBERED:
                batch_op.drop_constraint(f"ux_{table}_day_seq", type_="unique")
                batch_op.create_unique_constraint(
                    f"ux_{table}_day_seq", ["business_day", "day_seq"]
                )
            batch_op.drop_constraint(f"fk_{table}_store", type_="foreignkey")
            batch_op.drop_column("store_id")
    with op.batch_alter_table("store", schema=None) as batch_op:
        batch_op.drop_index("ux_store_code")
    op.drop_table("store")
