"""The tables. Importing this package registers every table on ``SQLModel.metadata``.

One module per area; each area adds its module to the imports below.
"""

from salon_tui.data.models.audit import AuditEntry, AuditHead
from salon_tui.data.models.catalog import (
    Service,
    ServiceCategory,
    ServiceLevelPrice,
    ServiceRecipe,
    ServiceStylist,
)
from salon_tui.data.models.expenses import Expense
from salon_tui.data.models.inventory import (
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
    StockCount,
    StockCountLine,
    StockMovement,
    Supplier,
)
from salon_tui.data.models.members import (
    Allergy,
    Card,
    Formula,
    Member,
    MemberGram,
    MemberLevel,
    MemberLevelChange,
    PatchTest,
)
from salon_tui.data.models.printing import PrintJob
from salon_tui.data.models.sales import (
    CommissionEntry,
    CommissionRule,
    CommissionStaffLevel,
    DrawerMovement,
    DrawerSession,
    NumberSequence,
    Payment,
    Refund,
    RefundLine,
    Sale,
    SaleAdjustment,
    SaleLine,
    SaleLineStaff,
    SaleTip,
)
from salon_tui.data.models.shop import IdempotencyRecord, Setting
from salon_tui.data.models.staff import Staff

__all__ = [
    "Allergy",
    "AuditEntry",
    "AuditHead",
    "Card",
    "CommissionEntry",
    "CommissionRule",
    "CommissionStaffLevel",
    "DrawerMovement",
    "DrawerSession",
    "Expense",
    "Formula",
    "IdempotencyRecord",
    "Member",
    "MemberGram",
    "MemberLevel",
    "MemberLevelChange",
    "NumberSequence",
    "PatchTest",
    "Payment",
    "PrintJob",
    "Product",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Refund",
    "RefundLine",
    "Sale",
    "SaleAdjustment",
    "SaleLine",
    "SaleLineStaff",
    "SaleTip",
    "Service",
    "ServiceCategory",
    "ServiceLevelPrice",
    "ServiceRecipe",
    "ServiceStylist",
    "Setting",
    "Staff",
    "StockCount",
    "StockCountLine",
    "StockMovement",
    "Supplier",
]
