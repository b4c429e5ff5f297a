"""`python -m salon_tui` runs the same entry point as the `salon` command."""

from salon_tui.cli import main

if __name__ == "__main__":
    main()
