"""Where salon_tui keeps its files.

Tiny functions, no disk I/O at import. ``SALON_HOME=DIR`` puts everything under DIR
(tests, the demo, portable installs, a USB stick); otherwise platformdirs decides.
``SALON_DATABASE_URL`` overrides the database.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "salon-tui"
DATABASE_FILENAME = "salon.db"


def salon_home() -> Path | None:
    """The folder named by SALON_HOME, or None when the platform's folders are used."""
    value = os.environ.get("SALON_HOME", "").strip()
    return Path(value).expanduser().absolute() if value else None


def data_dir() -> Path:
    home = salon_home()
    if home is not None:
        return home
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    home = salon_home()
    if home is not None:
        return home
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def log_dir() -> Path:
    home = salon_home()
    if home is not None:
        return home / "logs"
    import platformdirs

    return platformdirs.user_log_path(APP_NAME)


def cache_dir() -> Path:
    home = salon_home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME)


def backup_dir() -> Path:
    return data_dir() / "backups"


def database_path() -> Path:
    return data_dir() / DATABASE_FILENAME


def config_file() -> Path:
    return config_dir() / "config.toml"


def database_url() -> str:
    """SALON_DATABASE_URL when set, else the SQLite file in the data folder."""
    override = os.environ.get("SALON_DATABASE_URL", "").strip()
    if override:
        return override
    return f"sqlite:///{database_path()}"


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the shop's user only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
