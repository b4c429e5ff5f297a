"""gift cards record a desk refund's method, day and store

Revision ID: deskgaps_0001
Revises: paycore_0001
Create Date: 2026-11-30 14:03:01.097911

A gift card sold outside a sale can have its unspent balance paid back at the desk (a
manager's refund). The day close counts that money by method, day and store, so the card
keeps them, and how much went back. Cards before this were never paid back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "deskgaps_0001"
down_revision: str | Sequence[str] | None = "paycore_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("gift_card", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("refunded_cents", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "refund_method",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("refunded_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("refund_store_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_gift_card_refund_store", "store", ["refund_store_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("gift_card", schema=None) as batch_op:
        batch_op.drop_constraint("fk_gift_card_refund_store", type_="foreignkey")
        batch_op.drop_column("refund_store_id")
        batch_op.drop_column("refunded_on")
        batch_op.drop_column("refund_method")
        batch_op.drop_column("refunded_cents")
