"""Floor for the --help figure: a bare Typer app with a few sub-commands."""

import typer

app = typer.Typer(help="A bare Typer app.", add_completion=False)
sub = typer.Typer(help="A group.")
app.add_typer(sub, name="group")


@app.command()
def first(name: str = typer.Option("x", help="A name.")) -> None:
    """First command."""


@sub.command()
def second(count: int = typer.Option(1, help="A count.")) -> None:
    """Second command."""


if __name__ == "__main__":
    app()
