"""`trustdraft eval ...`: the offline evaluation suite's commands (registered as a trustdraft.cli plugin)."""

from __future__ import annotations

import typer

app = typer.Typer(help="The offline evaluation suite.", no_args_is_help=True)


@app.command()
def calibrate(
    split: str = typer.Option("dev", help="dev | holdout | all"),
    out: str = typer.Option("out/calibration", help="Folder for calibration.json and calibration.md."),
) -> None:
    """Agreement of each rubric grader with the labelled calibration set."""
    from pathlib import Path

    from evals.calibrate import run_calibration

    run_calibration(split=split, out=Path(out))
