"""`salon printer …` and `salon scanner …` as an owner types them: what they print,
what they write to config.toml and the database, and what they refuse."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from salon_tui import config as machine
from salon_tui.services import audit, printing
from tests.cli.conftest import OWNER_ENV
from tests.printing.escpos_reader import read

RECORDINGS = Path(__file__).parent.parent / "data" / "scanner"


def use_file_printer(run, salon_home: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = salon_home / "printer-out"
    result = run(
        "printer", "setup", "--connection", "folder", "--folder", str(folder), "--paper", "58"
    )
    assert result.exit_code == 0, result.output
    return folder


def test_printer_setup_writes_config_and_says_what_the_system_needs(run, salon_home: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "printer",
        "setup",
        "--connection",
        "usb",
        "--usb-id",
        "0416:5011",
        "--paper",
        "80",
        "--no-cutter",
    )
    assert result.exit_code == 0, result.output
    assert 'ATTRS{idVendor}=="0416", ATTRS{idProduct}=="5011"' in result.output
    assert "usermod -aG lp" in result.output
    printer = machine.load_config(salon_home / "config.toml").printer
    assert (printer.connection, printer.usb_id, printer.columns, printer.cutter) == (
        "usb",
        "0416:5011",
        48,
        False,
    )


def test_printer_setup_refuses_bad_input_and_keeps_the_old_config(run, salon_home: Path) -> None:  # type: ignore[no-untyped-def]
    use_file_printer(run, salon_home)
    before = (salon_home / "config.toml").read_text()
    for arguments in (
        ["--columns", "40"],
        ["--connection", "usb", "--usb-id", "printer"],
        ["--paper", "57"],
        ["--connection", "network"],
    ):
        result = run("printer", "setup", *arguments)
        assert result.exit_code in (1, 2), arguments
        assert result.output.strip()
    assert (salon_home / "config.toml").read_text() == before


def test_printer_test_prints_the_shop_name_and_ruler_to_the_file_printer(
    run, initialised, salon_home: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = use_file_printer(run, salon_home)
    result = run("printer", "test", "--drawer")
    assert result.exit_code == 0, result.output
    [page_file] = folder.glob("test-*.bin")
    page = read(page_file.read_bytes())
    assert page.text_lines[0] == "丝语美发"
    assert "12345678901234567890123456789012" in page.text_lines
    assert len(page.named("ESC p")) == 1


def test_printer_test_without_a_printer_says_what_to_do(run) -> None:  # type: ignore[no-untyped-def]
    result = run("printer", "test")
    assert result.exit_code == 1
    assert "salon printer setup" in result.output


def test_printer_status_exits_1_when_the_network_printer_does_not_answer(run) -> None:  # type: ignore[no-untyped-def]
    assert (
        run(
            "printer",
            "setup",
            "--connection",
            "network",
            "--host",
            "127.0.0.1",
            "--port",
            "9",
            "--timeout",
            "1",
        ).exit_code
        == 0
    )
    result = run("printer", "status")
    assert result.exit_code == 1
    assert "Not ready" in result.output and "127.0.0.1:9" in result.output


def test_a_no_sale_drawer_opening_is_printed_and_audited(
    run, initialised, salon_home: Path, reopen
) -> None:  # type: ignore[no-untyped-def]
    folder = use_file_printer(run, salon_home)
    result = run("printer", "drawer", "--reason", "零钱 change for the float", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    assert (folder / "job-000001.bin").read_bytes() == b"\x1b@\x1bp\x00\x19\xfa"
    uow = reopen()
    [job] = printing.list_jobs(uow)
    assert job.status == "printed" and job.created_by_name == "王芳"
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role

    entries = audit.list_entries(uow, Actor(1, "王芳", Role.OWNER))
    assert entries[-1].action == "printer.drawer_open"


def test_a_drawer_opening_without_a_reason_is_refused_and_nothing_is_queued(
    run, initialised, reopen
) -> None:  # type: ignore[no-untyped-def]
    result = run("printer", "drawer", "--reason", "  ", env=OWNER_ENV)
    assert result.exit_code == 1
    assert printing.list_jobs(reopen()) == []


def test_jobs_reprint_cancel_and_preview(run, initialised, salon_home: Path, reopen) -> None:  # type: ignore[no-untyped-def]
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from tests.printing import samples

    uow = reopen()
    owner = Actor(1, "王芳", Role.OWNER)
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    waiting = printing.enqueue_receipt(uow, owner, samples.top_up())
    listed = run("printer", "jobs", "--status", "queued")
    assert (
        listed.exit_code == 0
        and "S20261122-0001" in listed.output
        and "T20261122-0003" in listed.output
    )
    preview = run("printer", "preview", str(job.id))
    assert "合计                                    ￥305.00" in preview.output
    assert run("printer", "cancel", str(waiting.id), env=OWNER_ENV).exit_code == 0
    folder = use_file_printer(run, salon_home)
    assert run("printer", "send").exit_code == 0
    reprinted = run("printer", "reprint", str(job.id), env=OWNER_ENV)
    assert reprinted.exit_code == 0, reprinted.output
    statuses = {j.id: j.status for j in printing.list_jobs(uow)}
    assert statuses == {job.id: "printed", waiting.id: "cancelled", job.id + 2: "printed"}
    assert "重印 REPRINT" in (folder / f"job-{job.id + 2:06d}.bin").read_bytes().decode("gbk")
    bad = run("printer", "jobs", "--status", "lost")
    assert bad.exit_code == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("member_card_enter.evtest", "M00012345  (enter"),
        ("gs1_ctrl_char.evtest", "01\\x1d06901234567892  (enter"),
        ("giftcard_qr_tab.evtest", "GC-2026:Xq7}Lp{9  (tab"),
        ("human_typing.evtest", "0 scan(s) from 12 events."),
    ],
)
def test_scanner_replay_decodes_a_recording(run, name: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    result = run("scanner", "replay", str(RECORDINGS / name))
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_scanner_replay_shows_what_an_unplug_left_unfinished(run) -> None:  # type: ignore[no-untyped-def]
    result = run("scanner", "replay", str(RECORDINGS / "unplug_mid_scan.evtest"))
    assert "0 scan(s)" in result.output and "not delivered): M0001" in result.output


def test_scanner_setup_writes_config_and_the_udev_rule_for_that_scanner_only(
    run, salon_home: Path
) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "scanner", "setup", "--device", "05E0:1200", "--gap-ms", "50", "--terminators", "enter,tab"
    )
    assert result.exit_code == 0, result.output
    assert (
        'SUBSYSTEM=="input", ATTRS{idVendor}=="05e0", ATTRS{idProduct}=="1200", GROUP="salon"'
        in result.output
    )
    scanner = machine.load_config(salon_home / "config.toml").scanner
    assert (scanner.device, scanner.max_gap_ms, scanner.terminators) == (
        "05E0:1200",
        50,
        ("enter", "tab"),
    )


def test_scanner_setup_refuses_a_bad_gap_and_writes_nothing(run, salon_home: Path) -> None:  # type: ignore[no-untyped-def]
    before = (salon_home / "config.toml").read_text()
    result = run("scanner", "setup", "--gap-ms", "900")
    assert result.exit_code == 1 and "between 5 and 200 ms" in result.output
    assert (salon_home / "config.toml").read_text() == before


def test_scanner_list_without_evdev_explains_the_keyboard_fallback(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "evdev", None)
    result = run("scanner", "list")
    assert result.exit_code == 1
    assert "evdev is not installed" in result.output


def test_printer_receipt_prints_a_paid_sale_by_its_number(
    run, initialised, salon_home: Path, reopen
) -> None:  # type: ignore[no-untyped-def]
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.domain.tenders import PaymentIn
    from salon_tui.services import drawer, sales
    from salon_tui.services.sale_payment import pay_sale

    uow = reopen()
    owner = Actor(1, "王芳", Role.OWNER)
    drawer.open_drawer(uow, owner, 10_000)
    cart = sales.open_sale(uow, owner)
    sales.add_line(
        uow, owner, cart.sale_id, kind="product", description="护发素 250ml", unit_cents=6_800
    )
    paid = pay_sale(
        uow,
        owner,
        cart.sale_id,
        [PaymentIn("alipay", 6_800, reference="2088")],
        print_receipt=False,
    )
    folder = use_file_printer(run, salon_home)
    result = run("printer", "receipt", paid.number, env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    assert f"Receipt {paid.number} queued as job #1." in result.output
    page = read((folder / "job-000001.bin").read_bytes())
    assert "支付宝 2088" + " " * 16 + "68.00" in page.text_lines
    assert page.named("ESC p") == []  # a copy printed later never opens the drawer
    missing = run("printer", "receipt", "20991231-0009", env=OWNER_ENV)
    assert missing.exit_code == 1 and "no sale numbered 20991231-0009" in missing.output


def test_a_top_up_queues_its_receipt_and_printer_receipt_prints_it_again_by_number(
    run, initialised, salon_home: Path, reopen
) -> None:  # type: ignore[no-untyped-def]
    added = run("member", "add", "陈静", "--phone", "13900139000", env=OWNER_ENV)
    assert added.exit_code == 0, added.output
    topped = run("prepaid", "top-up", "13900139000", "--amount", "1,000", "--method", "wechat",
                 "--reference", "WX123", env=OWNER_ENV)  # fmt: skip
    assert topped.exit_code == 0, topped.output
    assert "Receipt T000001 is in the print queue" in topped.output
    folder = use_file_printer(run, salon_home)
    sent = run("printer", "send", env=OWNER_ENV)
    assert sent.exit_code == 0, sent.output
    first = read((folder / "job-000001.bin").read_bytes()).text_lines
    assert "充值金额                1,000.00" in first
    assert "微信支付 WX123          1,000.00" in first
    again = run("printer", "receipt", "t1", env=OWNER_ENV)
    assert again.exit_code == 0, again.output
    assert "Receipt T000001 queued as job #2." in again.output
    page = read((folder / "job-000002.bin").read_bytes())
    assert "单号: T000001" in page.text_lines and page.named("ESC p") == []
    missing = run("printer", "receipt", "T000099", env=OWNER_ENV)
    assert missing.exit_code == 1 and "no top-up #99" in missing.output


def test_a_gift_card_sold_from_the_cli_has_a_receipt(
    run, initialised, salon_home: Path, reopen
) -> None:  # type: ignore[no-untyped-def]
    sold = run("giftcard", "sell", "500", "--pay", "alipay", "--reference", "2088", env=OWNER_ENV)
    assert sold.exit_code == 0, sold.output
    assert "Receipt G000001 is in the print queue" in sold.output
    folder = use_file_printer(run, salon_home)
    assert run("printer", "send", env=OWNER_ENV).exit_code == 0
    lines = read((folder / "job-000001.bin").read_bytes()).text_lines
    assert "礼品卡销售" in " ".join(lines) and "支付宝 2088               500.00" in lines
