"""The service menu: categories, services, prices by stylist level, who may do them,
and the back-bar products a service uses (its usage recipe)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class ServiceCategory(SQLModel, table=True):
    """A section of the menu (剪发 cuts, 烫染 perm & colour …), in the shop's own words."""

    __tablename__ = "service_category"
    __table_args__ = (Index("ux_service_category_name_key", "name_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    name_key: str = Field(max_length=40)
    name_en: str = Field(default="", max_length=60)
    sort_order: int = Field(default=0)
    active: bool = Field(default=True)


class Service(SQLModel, table=True):
    """One item of the menu. Retired services stay (history points at them)."""

    __tablename__ = "service"
    __table_args__ = (
        Index("ux_service_code", "code", unique=True),
        Index("ix_service_category", "category_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20)
    name: str = Field(max_length=60)
    name_en: str = Field(default="", max_length=80)
    category_id: int = Field(
        sa_column=Column(Integer, ForeignKey("service_category.id"), nullable=False)
    )
    price_cents: int
    duration_min: int
    # Minutes inside the duration when the stylist is free (colour processing).
    processing_min: int = Field(default=0)
    # Comma-separated resources it occupies: chair, basin, room.
    resources: str = Field(default="", max_length=60)
    needs_patch_test: bool = Field(default=False)
    commission_category: str = Field(default="", max_length=30)
    active: bool = Field(default=True)
    # Code, names and pinyin (full and initials), folded: what search matches against.
    search_text: str = Field(default="", max_length=400)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ServiceLevelPrice(SQLModel, table=True):
    """The price of a service when a stylist of ``level`` (总监 director …) does it."""

    __tablename__ = "service_level_price"
    __table_args__ = (UniqueConstraint("service_id", "level", name="ux_service_level_price"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    level: str = Field(max_length=30)
    price_cents: int


class ServiceStylist(SQLModel, table=True):
    """A staff member who can perform a service (none listed: anyone can)."""

    __tablename__ = "service_stylist"
    __table_args__ = (UniqueConstraint("service_id", "staff_id", name="ux_service_stylist"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))


class ServiceRecipe(SQLModel, table=True):
    """How much of a back-bar product one performance of a service uses (60 g colour)."""

    __tablename__ = "service_recipe"
    __table_args__ = (UniqueConstraint("service_id", "product_id", name="ux_service_recipe"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    product_id: int = Field(sa_column=Column(Integer, ForeignKey("product.id"), nullable=False))
    quantity: int
