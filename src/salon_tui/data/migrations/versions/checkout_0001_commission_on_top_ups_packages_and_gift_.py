"""commission on top-ups, packages and gift cards sold at the Cards desk

Revision ID: checkout_0001
Revises: search_0001
Create Date: 2026-11-30 08:01:28.716616
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "checkout_0001"
down_revision: str | Sequence[str] | None = "search_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("commission_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "card_kind",
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("card_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("store_id", sa.Integer(), nullable=True))
        batch_op.alter_column("sale_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("sale_line_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index("ix_commission_entry_card", ["card_kind", "card_id"], unique=False)
        batch_op.create_foreign_key("fk_commission_entry_store", "store", ["store_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("commission_entry", schema=None) as batch_op:
        batch_op.drop_constraint("fk_commission_entry_store", type_="foreignkey")
        batch_op.drop_index("ix_commission_entry_card")
        batch_op.alter_column("sale_line_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("sale_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("store_id")
        batch_op.drop_column("card_id")
        batch_op.drop_column("card_kind")
