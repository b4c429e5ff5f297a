"""`salon init`, `staff`, `audit`, `db`, `demo` and the root options, as a person runs them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlmodel import select

from salon_tui.data import schema
from salon_tui.data.models import Setting, Staff
from tests.cli.conftest import OWNER_ENV


def test_salon_before_init_explains_what_to_do(run, salon_home: Path) -> None:
    result = run()
    assert result.exit_code == 1
    assert "salon init" in result.stderr
    assert not (salon_home / "salon.db").exists()


def test_init_creates_the_shop_and_the_owner(run, initialised, reopen) -> None:
    uow = reopen()
    with uow.read() as session:
        settings = {row.key: row.value_json for row in session.exec(select(Setting))}
        people = session.exec(select(Staff)).all()
    assert settings["shop.name"] == '"丝语美发"'
    assert settings["shop.currency"] == '"CNY"'
    assert [(p.name, p.role) for p in people] == [("王芳", "owner")]


def test_init_twice_refuses_and_changes_nothing(run, initialised, salon_home: Path) -> None:
    before = (
        sqlite3.connect(salon_home / "salon.db")
        .execute("SELECT count(*) FROM audit_entry")
        .fetchone()
    )
    result = run("init", "--shop", "Other", "--owner", "X", "--pin", "1234")
    assert result.exit_code == 1
    assert "already set up" in result.stderr
    after = (
        sqlite3.connect(salon_home / "salon.db")
        .execute("SELECT count(*) FROM audit_entry")
        .fetchone()
    )
    assert after == before


def test_init_refuses_a_bad_pin_and_creates_no_shop(run, salon_home: Path) -> None:
    result = run("init", "--shop", "S", "--owner", "O", "--pin", "12")
    assert result.exit_code == 1
    assert "PIN" in result.stderr
    rows = (
        sqlite3.connect(salon_home / "salon.db").execute("SELECT count(*) FROM setting").fetchone()
    )
    assert rows == (0,)


def test_init_without_a_terminal_says_which_option_is_missing(run) -> None:
    result = run("init", "--shop", "S")
    assert result.exit_code == 2
    assert "Owner" in result.stderr


def test_staff_add_as_the_owner_stores_the_account(run, initialised, reopen) -> None:
    result = run(
        "staff", "add", "李娜 Nina", "--role", "front_desk", "--pin", "1234", env=OWNER_ENV
    )
    assert result.exit_code == 0, result.stderr
    with reopen().read() as session:
        added = session.exec(select(Staff).where(Staff.name == "李娜 Nina")).one()
    assert added.role == "front_desk" and added.active


def test_staff_add_refuses_a_duplicate_name(run, initialised) -> None:
    result = run("staff", "add", "王芳", "--role", "stylist", "--pin", "1234", env=OWNER_ENV)
    assert result.exit_code == 1
    assert "already a staff member" in result.stderr


def test_a_wrong_pin_is_refused_and_audited(run, initialised, reopen) -> None:
    result = run(
        "staff",
        "add",
        "X",
        "--role",
        "stylist",
        "--pin",
        "1234",
        env={"SALON_STAFF": "王芳", "SALON_PIN": "0000"},
    )
    assert result.exit_code == 1
    assert "Wrong name or PIN" in result.stderr
    with reopen().read() as session:
        names = [p.name for p in session.exec(select(Staff))]
    assert names == ["王芳"]


def test_staff_list_json_is_stable(run, initialised) -> None:
    import json

    result = run("staff", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"active": True, "id": 1, "locked": False, "name": "王芳", "role": "owner"}
    ]


def test_staff_commands_follow_the_role_rules(run, initialised) -> None:
    assert (
        run(
            "staff", "add", "Desk", "--role", "front_desk", "--pin", "1234", env=OWNER_ENV
        ).exit_code
        == 0
    )
    desk = {"SALON_STAFF": "Desk", "SALON_PIN": "1234"}
    result = run("staff", "add", "Sneaky", "--role", "owner", "--pin", "1234", env=desk)
    assert result.exit_code == 1
    assert "not allowed" in result.stderr
    assert run("staff", "deactivate", "Desk", env=OWNER_ENV).exit_code == 0
    assert run("staff", "list", "--all", "--json").stdout.count('"active": false') == 1


def test_audit_show_and_verify(run, initialised, salon_home: Path) -> None:
    shown = run("audit", "show", "--json", env=OWNER_ENV)
    assert shown.exit_code == 0
    assert '"action": "shop.init"' in shown.stdout
    verified = run("audit", "verify")
    assert verified.exit_code == 0
    assert "intact" in verified.stdout
    with sqlite3.connect(salon_home / "salon.db") as connection:
        connection.execute("UPDATE audit_entry SET staff_name = 'nobody' WHERE seq = 2")
    broken = run("audit", "verify")
    assert broken.exit_code == 1
    assert "entry 2 was altered" in broken.stderr


def test_audit_show_needs_the_permission(run, initialised) -> None:
    run("staff", "add", "Sty", "--role", "stylist", "--pin", "1234", env=OWNER_ENV)
    result = run("audit", "show", env={"SALON_STAFF": "Sty", "SALON_PIN": "1234"})
    assert result.exit_code == 1
    assert "not allowed" in result.stderr


def test_audit_show_refuses_a_bad_date_as_a_usage_error(run, initialised) -> None:
    result = run("audit", "show", "--since", "2026-02-30", env=OWNER_ENV)
    assert result.exit_code == 2
    assert "not a real date" in result.stderr


def test_db_info_and_check(run, initialised) -> None:
    info = run("db", "info")
    assert info.exit_code == 0
    assert schema.HEAD_REVISION in info.stdout and "staff\t1" in info.stdout
    check = run("db", "check")
    assert check.exit_code == 0
    assert "[ok] Audit chain" in check.stdout


def test_db_upgrade_on_a_current_database_says_so(run, initialised) -> None:
    result = run("db", "upgrade")
    assert result.exit_code == 0
    assert "up to date" in result.stdout


def test_an_unknown_language_is_a_usage_error(run) -> None:
    from salon_tui.cli import choose_language
    from salon_tui.errors import ValidationError

    try:
        choose_language(["--lang", "fr", "staff", "list"])
    except ValidationError as error:
        assert "fr" in error.message
    else:
        raise AssertionError("--lang fr was accepted")


def test_the_language_comes_from_the_flag_then_the_shop(run, initialised) -> None:
    from salon_tui.cli import choose_language

    assert choose_language(["--lang", "en", "staff"]) == "en"
    assert choose_language(["staff", "list", "--lang", "en"]) == "zh_CN"  # only root options count
    assert choose_language([]) == "zh_CN"


def test_demo_builds_a_shop_and_refuses_to_overwrite_without_force(run, reopen) -> None:
    first = run("demo", "--members", "20", "--months", "1")
    assert first.exit_code == 0, first.stderr
    assert "PIN 8888" in first.stdout
    again = run("demo")
    assert again.exit_code == 2
    assert "--force" in again.stderr
    with reopen().read() as session:
        roles = {p.role for p in session.exec(select(Staff))}
    assert roles == {"owner", "manager", "front_desk", "stylist"}


def test_a_damaged_database_gives_a_message_not_a_traceback(run, salon_home: Path) -> None:
    (salon_home / "salon.db").write_bytes(b"garbage" * 1000)
    result = run("db", "info")
    assert result.exit_code == 1
    assert "salon backup restore" in result.stderr
    assert "Traceback" not in result.output
