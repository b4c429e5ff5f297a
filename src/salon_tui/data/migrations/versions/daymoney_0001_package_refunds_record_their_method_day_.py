"""package refunds record their method, day and store

Revision ID: daymoney_0001
Revises: checkout_0001
Create Date: 2026-11-30 11:01:18.857941

A package's unused uses paid back at the Cards desk brought money out of the drawer or
a terminal that only the audit remembered. The day close counts it by method, day and
store, so the package keeps them. Packages refunded before this read them back from
their refund's audit entry and ledger rows (the store that sold them standing in for the
store that refunded them, which nothing recorded).
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "daymoney_0001"
down_revision: str | Sequence[str] | None = "checkout_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_package", schema=None) as batch_op:
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
            "fk_member_package_refund_store", "store", ["refund_store_id"], ["id"]
        )
    _fill_refunds_made_before()


def _fill_refunds_made_before() -> None:
    connection = op.get_bind()
    package = sa.table(
        "member_package",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("store_id", sa.Integer),
        sa.column("refund_method", sa.String),
        sa.column("refunded_on", sa.Date),
        sa.column("refund_store_id", sa.Integer),
    )
    use = sa.table(
        "package_use",
        sa.column("package_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("business_day", sa.Date),
    )
    audit = sa.table(
        "audit_entry",
        sa.column("seq", sa.Integer),
        sa.column("action", sa.String),
        sa.column("after", sa.Text),
    )
    refunded = {
        int(package_id): store_id
        for package_id, store_id in connection.execute(
            sa.select(package.c.id, package.c.store_id).where(package.c.status == "refunded")
        )
    }
    if not refunded:
        return
    days = dict(
        connection.execute(
            sa.select(use.c.package_id, sa.func.min(use.c.business_day))
            .where(use.c.kind == "refund")
            .group_by(use.c.package_id)
        ).all()
    )
    methods: dict[int, str] = {}
    for (after,) in connection.execute(
        sa.select(audit.c.after).where(audit.c.action == "package.refund").order_by(audit.c.seq)
    ):
        found = json.loads(after or "{}")
        if isinstance(found, dict) and found.get("package_id") is not None:
            methods[int(found["package_id"])] = str(found.get("method") or "")[:20]
    for package_id, store_id in refunded.items():
        connection.execute(
            package.update()
            .where(package.c.id == package_id)
            .values(
                refund_method=methods.get(package_id, ""),
                refunded_on=days.get(package_id),
                refund_store_id=store_id,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("member_package", schema=None) as batch_op:
        batch_op.drop_constraint("fk_member_package_refund_store", type_="foreignkey")
        batch_op.drop_column("refund_store_id")
        batch_op.drop_column("refunded_on")
        batch_op.drop_column("refund_method")
