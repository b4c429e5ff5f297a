"""Receipts of every kind, in both languages, as checkout, cards and day close will hand them in."""

from __future__ import annotations

from datetime import UTC, datetime

from salon_tui.printing.receipt import (
    MemberStatement,
    PackageBalance,
    Payment,
    PaymentMethod,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ShopLines,
    StoredValueMove,
    SummaryRow,
)

WHEN = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SHOP = ShopLines(
    name="丝语美发 Silk Hair Studio",
    address="上海市静安区南京西路1266号",
    phone="021-6288 1234",
)
FOOTER_ZH = "谢谢光临，欢迎再来！\n非正式发票"
FOOTER_EN = "Thank you, see you soon!\nNot an official invoice"


def member(language: str) -> MemberStatement:
    zh = language == "zh_CN"
    return MemberStatement(
        name="张小姐" if zh else "Ms Zhang",
        card_masked="****2345",
        phone_masked="138****5678",
        level="金卡" if zh else "Gold",
        stored_value_before_cents=100_000,
        stored_value_after_cents=83_100,
        packages=(PackageBalance("洗吹10次卡" if zh else "Wash & blow-dry ×10", 1, 7),),
        points_earned=169,
        points_balance=2_340,
        coupons_used=("NEW20",),
    )


def sale(language: str = "zh_CN") -> Receipt:
    zh = language == "zh_CN"
    return Receipt(
        kind=ReceiptKind.SALE,
        number="S20261122-0001",
        issued_at=WHEN,
        timezone="Asia/Shanghai",
        language=language,
        currency="CNY",
        shop=SHOP,
        cashier="李娜 Nina",
        lines=(
            ReceiptLine(
                "洗剪吹 Wash, cut & blow-dry" if zh else "Wash, cut & blow-dry",
                1,
                18_800,
                16_920,
                stylist="Tony 张伟",
                discount_cents=1_880,
                discount_source="会员9折" if zh else "Member 10% off",
            ),
            ReceiptLine("护发素 Conditioner 250ml", 2, 6_800, 13_600),
        ),
        subtotal_cents=32_400,
        discount_cents=1_880,
        rounding_cents=-20,
        total_cents=30_500,
        payments=(
            Payment(PaymentMethod.STORED_VALUE, 16_900),
            Payment(PaymentMethod.CASH, 13_600),
        ),
        tendered_cents=20_000,
        change_cents=6_400,
        member=member(language),
        next_booking="2026-12-20 14:00 Tony 张伟",
        qr_data="S20261122-0001",
        footer=FOOTER_ZH if zh else FOOTER_EN,
    )


def top_up(language: str = "zh_CN") -> Receipt:
    zh = language == "zh_CN"
    return Receipt(
        kind=ReceiptKind.TOP_UP,
        number="T20261122-0003",
        issued_at=WHEN,
        timezone="Asia/Shanghai",
        language=language,
        currency="CNY",
        shop=SHOP,
        cashier="李娜 Nina",
        lines=(
            ReceiptLine("充值1000送200" if zh else "Top up 1000, bonus 200", 1, 100_000, 100_000),
        ),
        subtotal_cents=100_000,
        total_cents=100_000,
        payments=(Payment(PaymentMethod.WECHAT, 100_000),),
        member=MemberStatement(
            name="张小姐" if zh else "Ms Zhang",
            card_masked="****2345",
            stored_value_before_cents=83_100,
            stored_value_after_cents=203_100,
        ),
        qr_data="M00012345",
        footer=FOOTER_ZH if zh else FOOTER_EN,
    )


def top_up_promotion(language: str = "zh_CN") -> Receipt:
    """A top-up as the Cards screen queues it: bonus, points, coupon, level, balances."""
    zh = language == "zh_CN"
    return Receipt(
        kind=ReceiptKind.TOP_UP,
        number="T000123",
        issued_at=WHEN,
        timezone="Asia/Shanghai",
        language=language,
        currency="CNY",
        shop=SHOP,
        cashier="李娜 Nina",
        total_cents=200_000,
        payments=(Payment("alipay", 200_000, "2026112222001234567"),),
        member=MemberStatement(
            name="张小姐" if zh else "Ms Zhang",
            card_masked="6688****2345",
            phone_masked="138****5678",
            level="金卡" if zh else "Gold",
            stored_value_before_cents=83_100,
            stored_value_after_cents=333_100,
            points_balance=2_540,
        ),
        stored_value=StoredValueMove(
            paid_cents=200_000,
            bonus_cents=50_000,
            principal_before_cents=63_100,
            principal_after_cents=263_100,
            bonus_before_cents=20_000,
            bonus_after_cents=70_000,
            promotion="充2000送500升金卡" if zh else "Top up 2000, 500 bonus, Gold",
            points=200,
            coupons=("满300减50 (660000000019)",),
            level="金卡" if zh else "Gold",
        ),
        qr_data="T000123",
        footer=FOOTER_ZH if zh else FOOTER_EN,
    )


def top_up_undo(language: str = "zh_CN") -> Receipt:
    zh = language == "zh_CN"
    return Receipt(
        kind=ReceiptKind.TOP_UP_UNDO,
        number="T000124",
        issued_at=WHEN,
        timezone="Asia/Shanghai",
        language=language,
        currency="CNY",
        shop=SHOP,
        cashier="陈静 Jing",
        total_cents=-200_000,
        payments=(Payment(PaymentMethod.CASH, -200_000),),
        member=MemberStatement(
            name="张小姐" if zh else "Ms Zhang",
            card_masked="6688****2345",
            level="银卡" if zh else "Silver",
            stored_value_before_cents=333_100,
            stored_value_after_cents=83_100,
        ),
        stored_value=StoredValueMove(
            paid_cents=-200_000,
            bonus_cents=-50_000,
            principal_before_cents=263_100,
            principal_after_cents=63_100,
            bonus_before_cents=70_000,
            bonus_after_cents=20_000,
            promotion="充2000送500升金卡" if zh else "Top up 2000, 500 bonus, Gold",
            points=-200,
            coupons=("满300减50 (660000000019)",),
            level="银卡" if zh else "Silver",
            reverses="T000123",
            reason="金额输错，应为200元" if zh else "Wrong amount, should be 200",
        ),
        footer=FOOTER_ZH if zh else FOOTER_EN,
    )


def gift_card(language: str = "zh_CN") -> Receipt:
    zh = language == "zh_CN"
    return Receipt(
        kind=ReceiptKind.GIFT_CARD,
        number="G000045",
        issued_at=WHEN,
        timezone="Asia/Shanghai",
        language=language,
        currency="CNY",
        shop=SHOP,
        cashier="李娜 Nina",
        lines=(ReceiptLine("礼品卡" if zh else "Gift card", 1, 50_000, 50_000),),
        subtotal_cents=50_000,
        total_cents=50_000,
        payments=(Payment(PaymentMethod.WECHAT, 50_000, "4200001234"),),
        notes=(
            "卡号: 7912 3456 7890 1234" if zh else "Code: 7912 3456 7890 1234",
            "有效期至 2027-11-22" if zh else "Valid until 2027-11-22",
        ),
        barcode_data="7912345678901234",
        footer=FOOTER_ZH if zh else FOOTER_EN,
    )


def refund(language: str = "zh_CN") -> Receipt:
    zh = language == "zh_CN"
    return Receipt(
        kind=ReceiptKind.REFUND,
        number="R20261122-0001",
        issued_at=WHEN,
        timezone="Asia/Shanghai",
        language=language,
        currency="CNY",
        shop=SHOP,
        cashier="陈静 Jing",
        lines=(ReceiptLine("护发素 Conditioner 250ml", -1, 6_800, -6_800),),
        subtotal_cents=-6_800,
        total_cents=-6_800,
        payments=(Payment(PaymentMethod.CASH, -6_800),),
        notes=("原单 S20261122-0001" if zh else "Original sale S20261122-0001",),
        footer=FOOTER_ZH if zh else FOOTER_EN,
    )


def day_close(language: str = "zh_CN") -> Receipt:
    zh = language == "zh_CN"
    return Receipt(
        kind=ReceiptKind.DAY_CLOSE,
        number="Z20261122",
        issued_at=WHEN,
        timezone="Asia/Shanghai",
        language=language,
        currency="CNY",
        shop=SHOP,
        cashier="王芳",
        summary=(
            SummaryRow("现金" if zh else "Cash", 128_000, 14),
            SummaryRow("微信支付" if zh else "WeChat Pay", 356_600, 31),
            SummaryRow("支付宝" if zh else "Alipay", 99_000, 9),
            SummaryRow("储值消费" if zh else "Stored value spent", 210_000, 18),
            SummaryRow("退款" if zh else "Refunds", -6_800, 1),
        ),
        total_cents=786_800,
        footer="",
    )


RECEIPTS = {
    "sale": sale,
    "top_up": top_up,
    "top_up_promotion": top_up_promotion,
    "top_up_undo": top_up_undo,
    "gift_card": gift_card,
    "refund": refund,
    "day_close": day_close,
}
