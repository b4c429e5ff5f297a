"""Receipt layout: a pure step from a ``Receipt`` to printed lines for a paper width.

Widths are counted the way the printer counts them (``printing.text.columns``: GBK
bytes on Chinese printers), so nothing overflows a 58 mm roll: a 48-column layout sent
to a 32-column printer is re-wrapped, never cut off. Labels come from ``LABELS`` in the
receipt's language (the shop's), not from the cashier's screen language.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from salon_tui.domain.clock import shop_time
from salon_tui.domain.money import format_money
from salon_tui.printing.receipt import Receipt, ReceiptKind
from salon_tui.printing.text import HanziMode, columns, printable

PAPER_COLUMNS = {58: 32, 80: 48}
ALLOWED_COLUMNS = (32, 42, 48)
REPRINT_MARK = "*** 重印 REPRINT ***"


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class TextLine:
    """One printed line; already printable and within the width (half of it when large)."""

    text: str
    align: Align = Align.LEFT
    large: bool = False
    bold: bool = False


@dataclass(frozen=True)
class QRCode:
    data: str


@dataclass(frozen=True)
class Barcode:
    data: str  # CODE128


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Element = TextLine | QRCode | Barcode | Feed


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sale": "SALES RECEIPT",
        "top_up": "TOP-UP RECEIPT",
        "refund": "REFUND RECEIPT",
        "gift_card": "GIFT CARD SALE",
        "day_close": "DAY CLOSE (Z REPORT)",
        "number": "No.",
        "date": "Date",
        "cashier": "Cashier",
        "subtotal": "Subtotal",
        "discount": "Discounts",
        "rounding": "Rounding",
        "total": "TOTAL",
        "refunded": "REFUNDED",
        "tip": "Tip",
        "tendered": "Tendered",
        "change": "Change",
        "member": "Member",
        "card": "Card",
        "phone": "Phone",
        "level": "Level",
        "stored_value": "Stored value",
        "uses": "{used} used, {left} left",
        "points_earned": "Points earned",
        "points_balance": "Points held",
        "coupons": "Coupons used",
        "next_booking": "Next booking",
        "count": "{count} ×",
        "cash": "Cash",
        "bank_card": "Bank card",
        "wechat": "WeChat Pay",
        "alipay": "Alipay",
        "stored_value_payment": "Stored value",
        "package": "Package use",
        "points": "Points",
        "coupon": "Coupon",
        "gift_card_payment": "Gift card",
        "top_up_undo": "TOP-UP UNDONE",
        "top_up_paid": "Top-up",
        "bonus": "Bonus",
        "promotion_points": "Points given",
        "promotion_coupon": "Coupon given",
        "level_up": "Level now",
        "undo_paid": "Top-up taken back",
        "bonus_back": "Bonus taken back",
        "points_back": "Points taken back",
        "coupon_void": "Coupon voided",
        "level_back": "Level back to",
        "reverses": "Undoes",
        "reason": "Reason",
        "principal": "Principal",
        "bonus_balance": "Bonus",
        "gift_card_item": "Gift card",
        "gift_card_code": "Code",
        "valid_until": "Valid until {day}",
        "no_expiry": "Does not expire",
        "other": "Other",
    },
    "zh_CN": {
        "sale": "销售小票",
        "top_up": "充值小票",
        "refund": "退款小票",
        "gift_card": "礼品卡销售",
        "day_close": "日结报表 (Z)",
        "number": "单号",
        "date": "时间",
        "cashier": "收银员",
        "subtotal": "小计",
        "discount": "优惠",
        "rounding": "抹零",
        "total": "合计",
        "refunded": "退款合计",
        "tip": "小费",
        "tendered": "实收",
        "change": "找零",
        "member": "会员",
        "card": "卡号",
        "phone": "手机",
        "level": "等级",
        "stored_value": "储值余额",
        "uses": "本次{used}次，剩余{left}次",
        "points_earned": "本次积分",
        "points_balance": "积分余额",
        "coupons": "使用优惠券",
        "next_booking": "下次预约",
        "count": "{count}笔",
        "cash": "现金",
        "bank_card": "银行卡",
        "wechat": "微信支付",
        "alipay": "支付宝",
        "stored_value_payment": "储值卡",
        "package": "套餐卡",
        "points": "积分抵扣",
        "coupon": "优惠券",
        "gift_card_payment": "礼品卡",
        "top_up_undo": "充值撤销",
        "top_up_paid": "充值金额",
        "bonus": "赠送金额",
        "promotion_points": "赠送积分",
        "promotion_coupon": "赠送优惠券",
        "level_up": "升级为",
        "undo_paid": "退回充值",
        "bonus_back": "扣回赠送",
        "points_back": "扣回积分",
        "coupon_void": "作废优惠券",
        "level_back": "等级恢复为",
        "reverses": "撤销单号",
        "reason": "原因",
        "principal": "本金",
        "bonus_balance": "赠送",
        "gift_card_item": "礼品卡",
        "gift_card_code": "卡号",
        "valid_until": "有效期至 {day}",
        "no_expiry": "长期有效",
        "other": "其他",
    },
}

PAYMENT_LABEL_KEYS = {
    "cash": "cash",
    "bank_card": "bank_card",
    "wechat": "wechat",
    "alipay": "alipay",
    "stored_value": "stored_value_payment",
    "package": "package",
    "points": "points",
    "coupon": "coupon",
    "gift_card": "gift_card_payment",
    "other": "other",
}


def labels_for(language: str) -> dict[str, str]:
    return LABELS["zh_CN"] if language.startswith("zh") else LABELS["en"]


def wrap(text: str, width: int, mode: HanziMode = HanziMode.GBK) -> list[str]:
    """Printable ``text`` cut into lines of at most ``width`` printer columns.

    Breaks at a space when the line has one; Chinese (no spaces) breaks between
    characters. Explicit newlines are kept.
    """
    lines: list[str] = []
    for paragraph in printable(text, mode).split("\n"):
        current = ""
        for char in paragraph:
            if columns(current + char, mode) <= width:
                current += char
                continue
            if char == " ":
                lines.append(current.rstrip())
                current = ""
                continue
            cut = current.rfind(" ")
            if cut > 0:
                lines.append(current[:cut].rstrip())
                current = current[cut + 1 :] + char
            else:
                lines.append(current)
                current = char
        lines.append(current.rstrip())
    return lines


class LineBuilder:
    """Collects elements for one width; every text goes through the printer's alphabet."""

    def __init__(self, width: int, mode: HanziMode) -> None:
        self.width = width
        self.mode = mode
        self.elements: list[Element] = []

    def measure(self, text: str) -> int:
        return columns(text, self.mode)

    def text(
        self, text: str, align: Align = Align.LEFT, *, large: bool = False, bold: bool = False
    ) -> None:
        limit = self.width // 2 if large else self.width
        for line in wrap(text, limit, self.mode):
            self.elements.append(TextLine(line, align, large, bold))

    def pair(self, left: str, right: str, *, bold: bool = False, indent: int = 0) -> None:
        """``left`` … ``right`` on one line; the left side wraps when both do not fit."""
        pad = " " * indent
        right = printable(right, self.mode)
        right_width = self.measure(right)
        if right_width >= self.width:
            self.text(pad + left, bold=bold)
            self.text(right, Align.RIGHT, bold=bold)
            return
        lines = wrap(pad + left, self.width, self.mode)
        last = lines[-1]
        if self.measure(last) + 1 + right_width > self.width:
            lines.append("")
            last = ""
        for line in lines[:-1]:
            self.elements.append(TextLine(line, bold=bold))
        gap = self.width - self.measure(last) - right_width
        self.elements.append(TextLine(last + " " * gap + right, bold=bold))

    def rule(self, char: str = "-") -> None:
        self.elements.append(TextLine(char * self.width))

    def add(self, element: Element) -> None:
        self.elements.append(element)


class ReceiptLayout:
    """Lays out receipts of every kind for one width and one Hanzi mode."""

    def __init__(self, width: int, mode: HanziMode = HanziMode.GBK) -> None:
        if width < 24:
            raise ValueError("a receipt needs at least 24 columns")
        self.width = width
        self.mode = mode

    def lay_out(self, receipt: Receipt, *, reprint: bool = False) -> list[Element]:
        labels = labels_for(receipt.language)
        out = LineBuilder(self.width, self.mode)
        self._header(out, receipt, labels, reprint)
        if receipt.kind is ReceiptKind.DAY_CLOSE:
            self._summary(out, receipt)
        else:
            self._lines(out, receipt)
            self._stored_value_move(out, receipt, labels)
            self._totals(out, receipt, labels)
            self._payments(out, receipt, labels)
        self._member(out, receipt, labels)
        if receipt.next_booking:
            out.rule()
            out.text(f"{labels['next_booking']}: {receipt.next_booking}")
        for note in receipt.notes:
            out.text(note)
        out.rule()
        if receipt.qr_data:
            out.add(QRCode(receipt.qr_data))
        if receipt.barcode_data:
            out.add(Barcode(receipt.barcode_data))
        if receipt.footer:
            out.text(receipt.footer, Align.CENTER)
        if reprint:
            out.text(REPRINT_MARK, Align.CENTER, bold=True)
        return out.elements

    def _money(self, receipt: Receipt, amount_cents: int, *, symbol: bool = False) -> str:
        """Amounts without a symbol on lines; totals with ￥ (Chinese) or the ISO code."""
        chinese = receipt.language.startswith("zh")
        locale = "zh_CN" if chinese else "en"
        if symbol and chinese:
            return format_money(amount_cents, receipt.currency, locale)
        plain = format_money(amount_cents, receipt.currency, locale, symbol=False)
        return f"{receipt.currency} {plain}" if symbol else plain

    def _header(
        self, out: LineBuilder, receipt: Receipt, labels: dict[str, str], reprint: bool
    ) -> None:
        out.text(receipt.shop.name, Align.CENTER, large=True)
        if receipt.shop.address:
            out.text(receipt.shop.address, Align.CENTER)
        if receipt.shop.phone:
            out.text(receipt.shop.phone, Align.CENTER)
        if reprint:
            out.text(REPRINT_MARK, Align.CENTER, bold=True)
        out.add(Feed())
        out.text(labels[receipt.kind.value], Align.CENTER, bold=True)
        out.rule()
        when = shop_time(receipt.issued_at, receipt.timezone).strftime("%Y-%m-%d %H:%M")
        out.text(f"{labels['number']}: {receipt.number}")
        out.text(f"{labels['date']}: {when}")
        if receipt.cashier:
            out.text(f"{labels['cashier']}: {receipt.cashier}")
        out.rule()

    def _lines(self, out: LineBuilder, receipt: Receipt) -> None:
        for line in receipt.lines:
            out.text(line.description)
            detail = f"{line.quantity} × {self._money(receipt, line.unit_price_cents)}"
            if line.stylist:
                detail = f"{line.stylist}  {detail}"
            gross = line.amount_cents + line.discount_cents
            out.pair(detail, self._money(receipt, gross), indent=2)
            if line.discount_cents:
                out.pair(
                    line.discount_source or "-",
                    self._money(receipt, -line.discount_cents),
                    indent=2,
                )
        if receipt.lines:
            out.rule()

    def _totals(self, out: LineBuilder, receipt: Receipt, labels: dict[str, str]) -> None:
        if receipt.lines:
            out.pair(labels["subtotal"], self._money(receipt, receipt.subtotal_cents))
        if receipt.discount_cents:
            out.pair(labels["discount"], self._money(receipt, -receipt.discount_cents))
        if receipt.rounding_cents:
            out.pair(labels["rounding"], self._money(receipt, receipt.rounding_cents))
        if receipt.tip_cents:
            out.pair(labels["tip"], self._money(receipt, receipt.tip_cents))
        refunds = (ReceiptKind.REFUND, ReceiptKind.TOP_UP_UNDO)
        total_label = labels["refunded"] if receipt.kind in refunds else labels["total"]
        out.pair(total_label, self._money(receipt, receipt.total_cents, symbol=True), bold=True)

    def _stored_value_move(
        self, out: LineBuilder, receipt: Receipt, labels: dict[str, str]
    ) -> None:
        """A top-up's amounts and what its promotion gave (an undo: what it takes back)."""
        move = receipt.stored_value
        if move is None:
            return
        undo = receipt.kind is ReceiptKind.TOP_UP_UNDO
        if move.reverses:
            out.pair(labels["reverses"], move.reverses)
        out.pair(
            labels["undo_paid" if undo else "top_up_paid"], self._money(receipt, move.paid_cents)
        )
        if move.bonus_cents:
            out.pair(
                labels["bonus_back" if undo else "bonus"], self._money(receipt, move.bonus_cents)
            )
        if move.promotion:
            out.text(f"  {move.promotion}")
        if move.points:
            out.pair(labels["points_back" if undo else "promotion_points"], f"{move.points:+,}")
        for coupon in move.coupons:
            out.pair(labels["coupon_void" if undo else "promotion_coupon"], coupon)
        if move.level:
            out.pair(labels["level_back" if undo else "level_up"], move.level)
        if move.reason:
            out.text(f"{labels['reason']}: {move.reason}")
        out.rule()

    def _payments(self, out: LineBuilder, receipt: Receipt, labels: dict[str, str]) -> None:
        if not receipt.payments:
            return
        out.rule()
        for payment in receipt.payments:
            key = PAYMENT_LABEL_KEYS.get(str(payment.method))
            name = labels[key] if key else (payment.label or str(payment.method))
            if payment.detail:
                name = f"{name} {payment.detail}"
            out.pair(name, self._money(receipt, payment.amount_cents))
        if receipt.tendered_cents is not None:
            out.pair(labels["tendered"], self._money(receipt, receipt.tendered_cents))
        if receipt.change_cents is not None:
            out.pair(labels["change"], self._money(receipt, receipt.change_cents))

    def _summary(self, out: LineBuilder, receipt: Receipt) -> None:
        labels = labels_for(receipt.language)
        for row in receipt.summary:
            parts = []
            if row.count is not None:
                parts.append(labels["count"].format(count=row.count))
            if row.amount_cents is not None:
                parts.append(self._money(receipt, row.amount_cents))
            out.pair(row.label, "  ".join(parts))
        out.rule()
        out.pair(labels["total"], self._money(receipt, receipt.total_cents, symbol=True), bold=True)

    def _member(self, out: LineBuilder, receipt: Receipt, labels: dict[str, str]) -> None:
        member = receipt.member
        if member is None:
            return
        out.rule()
        title = f"{labels['member']}: {member.name}"
        if member.level:
            title = f"{title} ({member.level})"
        out.text(title)
        if member.card_masked:
            out.pair(labels["card"], member.card_masked)
        if member.phone_masked:
            out.pair(labels["phone"], member.phone_masked)
        if member.stored_value_after_cents is not None:
            after = self._money(receipt, member.stored_value_after_cents)
            if member.stored_value_before_cents is not None:
                before = self._money(receipt, member.stored_value_before_cents)
                out.pair(labels["stored_value"], f"{before} → {after}")
            else:
                out.pair(labels["stored_value"], after)
        move = receipt.stored_value
        if move is not None:
            for label, before_cents, after_cents in (
                ("principal", move.principal_before_cents, move.principal_after_cents),
                ("bonus_balance", move.bonus_before_cents, move.bonus_after_cents),
            ):
                before = self._money(receipt, before_cents)
                out.pair(labels[label], f"{before} → {self._money(receipt, after_cents)}", indent=2)
        for package in member.packages:
            out.pair(package.name, labels["uses"].format(used=package.used, left=package.left))
        if member.points_earned is not None:
            out.pair(labels["points_earned"], f"{member.points_earned:+,}")
        if member.points_balance is not None:
            out.pair(labels["points_balance"], f"{member.points_balance:,}")
        if member.coupons_used:
            out.pair(labels["coupons"], ", ".join(member.coupons_used))


def preview(elements: list[Element], width: int, mode: HanziMode = HanziMode.GBK) -> list[str]:
    """The receipt as text lines of ``width`` columns, for the screen (QR shown as a box)."""
    lines: list[str] = []
    for element in elements:
        if isinstance(element, TextLine):
            text = element.text
            # Large text is double width on paper.
            used = columns(text, mode) * (2 if element.large else 1)
            room = max(width - used, 0)
            if element.align is Align.CENTER:
                lines.append(" " * (room // 2) + text)
            elif element.align is Align.RIGHT:
                lines.append(" " * room + text)
            else:
                lines.append(text)
        elif isinstance(element, QRCode):
            box = f"[QR {element.data}]"
            lines.append(" " * max((width - columns(box, mode)) // 2, 0) + box)
        elif isinstance(element, Barcode):
            box = f"[||| {element.data} |||]"
            lines.append(" " * max((width - columns(box, mode)) // 2, 0) + box)
        else:
            lines.extend([""] * element.lines)
    return lines
