"""Products, suppliers, the stock ledger, purchase orders and stock counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class Supplier(SQLModel, table=True):
    __tablename__ = "supplier"
    __table_args__ = (Index("ux_supplier_name_key", "name_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=80)
    contact: str = Field(default="", max_length=60)
    phone: str = Field(default="", max_length=40)
    lead_time_days: int = Field(default=7)
    note: str = Field(default="", max_length=200)
    active: bool = Field(default=True)


class Product(SQLModel, table=True):
    """A retail or back-bar product. ``on_hand`` caches the sum of its stock movements;
    ``cost_cents`` is the moving average cost of one unit."""

    __tablename__ = "product"
    __table_args__ = (
        Index("ux_product_sku", "sku", unique=True),
        Index("ux_product_barcode", "barcode", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(max_length=32)
    barcode: str | None = Field(default=None, max_length=32)
    name: str = Field(max_length=80)
    name_en: str = Field(default="", max_length=100)
    brand: str = Field(default="", max_length=40)
    category: str = Field(default="", max_length=40)
    supplier_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("supplier.id"), nullable=True)
    )
    # The unit stock is counted in (瓶 bottle, 支 tube, g, ml) and the size of one.
    unit: str = Field(default="", max_length=12)
    size: str = Field(default="", max_length=20)
    retail_price_cents: int = Field(default=0)
    cost_cents: int = Field(default=0)
    use: str = Field(default="retail", max_length=12)  # retail, professional, both
    min_stock: int = Field(default=0)
    max_stock: int = Field(default=0)
    on_hand: int = Field(default=0)
    active: bool = Field(default=True)
    search_text: str = Field(default="", max_length=400)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class StockMovement(SQLModel, table=True):
    """One append-only entry of the stock ledger; never updated or deleted."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        Index("ix_stock_movement_product", "product_id", "id"),
        Index("ix_stock_movement_at", "at"),
        Index("ix_stock_movement_reference", "reference"),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(sa_column=Column(Integer, ForeignKey("product.id"), nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    kind: str = Field(max_length=20)
    quantity: int  # signed: + in, - out
    unit_cost_cents: int
    on_hand_after: int
    went_negative: bool = Field(default=False)
    reason: str = Field(default="", max_length=20)
    reference: str = Field(default="", max_length=40)  # po:12, sale:345, count:3
    note: str = Field(default="", max_length=200)
    staff_id: int | None = Field(default=None)


class PurchaseOrder(SQLModel, table=True):
    __tablename__ = "purchase_order"
    __table_args__ = (Index("ix_purchase_order_status", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(sa_column=Column(Integer, ForeignKey("supplier.id"), nullable=False))
    status: str = Field(max_length=12)  # draft approved sent partial received closed cancelled
    note: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None)
    approved_by: int | None = Field(default=None)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PurchaseOrderLine(SQLModel, table=True):
    __tablename__ = "purchase_order_line"
    __table_args__ = (UniqueConstraint("order_id", "product_id", name="ux_purchase_order_line"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(
        sa_column=Column(Integer, ForeignKey("purchase_order.id"), nullable=False)
    )
    product_id: int = Field(sa_column=Column(Integer, ForeignKey("product.id"), nullable=False))
    quantity_ordered: int
    quantity_received: int = Field(default=0)
    unit_cost_cents: int


class StockCount(SQLModel, table=True):
    """A stocktake: open while people count, then posted once as count movements."""

    __tablename__ = "stock_count"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(max_length=12)  # open, posted, cancelled
    category: str = Field(default="", max_length=40)  # "" = every product
    started_by: int | None = Field(default=None)
    posted_by: int | None = Field(default=None)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class StockCountLine(SQLModel, table=True):
    """What was counted of one product; ``expected`` is on-hand when the count posted."""

    __tablename__ = "stock_count_line"
    __table_args__ = (UniqueConstraint("count_id", "product_id", name="ux_stock_count_line"),)

    id: int | None = Field(default=None, primary_key=True)
    count_id: int = Field(sa_column=Column(Integer, ForeignKey("stock_count.id"), nullable=False))
    product_id: int = Field(sa_column=Column(Integer, ForeignKey("product.id"), nullable=False))
    counted: int | None = Field(default=None)
    expected: int | None = Field(default=None)
    unit_cost_cents: int = Field(default=0)
