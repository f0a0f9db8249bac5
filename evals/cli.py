"""`trustdraft eval ...`: the offline evaluation suite's commands (registered as a trustdraft.cli plugin)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The offline evaluation suite.", no_args_is_help=True)


@app.command()
def calibrate(
    split: Annotated[str, typer.Option(help="dev | holdout | all")] = "dev",
    out: Annotated[Path, typer.Option(help="Folder for calibration.json and calibration.md.")] = Path(
        "out/calibration"
    ),
    check_floor: Annotated[bool, typer.Option(help="Exit 1 when an F1 falls below evals/calibration_floor.json.")] = False,
) -> None:
    """Agreement of each rubric grader with the labelled calibration set."""
    from evals.calibrate import below_floor, render_markdown, run_calibration

    report = run_calibration(split=split, out=out)
    typer.echo(render_markdown(report))
    typer.echo(f"wrote {out / 'calibration.json'} and {out / 'calibration.md'}", err=True)
    problems = below_floor(report) if check_floor else []
    for problem in problems:
        typer.secho(f"below floor: {problem}", fg=typer.colors.RED, err=True)
    if problems:
        raise typer.Exit(1)
