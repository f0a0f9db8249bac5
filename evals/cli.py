"""`trustdraft eval ...`: the offline evaluation suite's commands (registered as a trustdraft.cli plugin)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the commands import their modules lazily: `trustdraft --help` stays fast
    from evals.compare import GateConfig
    from evals.results import RunResults
    from evals.runner import RunConfig
    from evals.trend import Trend

app = typer.Typer(help="The offline evaluation suite.", no_args_is_help=True)


@app.command()
def calibrate(
    split: Annotated[
        str, typer.Option(help="dev | second-writer | holdout | all, or a group of dev: dev/original, dev/former-holdout")
    ] = "dev",
    out: Annotated[Path, typer.Option(help="Folder for calibration.json and calibration.md.")] = Path(
        "out/calibration"
    ),
    check_floor: Annotated[
        bool, typer.Option(help="Exit 1 when an F1 falls below evals/calibration_floor.json.")
    ] = False,
    judge: Annotated[
        str | None, typer.Option(help="Measure an LLM judge instead (any litellm model string).")
    ] = None,
    reviews: Annotated[
        bool, typer.Option("--reviews", help="Agreement with the reviewers' verdicts in the review database.")
    ] = False,
    bootstrap: Annotated[
        int, typer.Option(min=0, help="Also give 95% intervals from this many resamples of the drafts (e.g. 1000).")
    ] = 0,
) -> None:
    """Agreement of each rubric grader (or an LLM judge) with the labelled calibration set, or with reviewers."""
    from evals.calibrate import below_floor, render_markdown, run_calibration, write_report

    if bootstrap and (reviews or judge):
        raise typer.BadParameter("--bootstrap measures the graders on a labelled set, not with --reviews or --judge")
    if reviews:
        from evals.history import store_for_evals
        from evals.reviews import review_agreement, reviewed_cases

        report = review_agreement(list(reviewed_cases(store_for_evals())))
        write_report(report, out)
        typer.echo(render_markdown(report))
        return
    if judge:
        _calibrate_judge(split, out, judge)
        return
    report = run_calibration(split=split, out=out, bootstrap=bootstrap)
    typer.echo(render_markdown(report))
    typer.echo(f"wrote {out / 'calibration.json'} and {out / 'calibration.md'}", err=True)
    problems = below_floor(report) if check_floor else []
    for problem in problems:
        typer.secho(f"below floor: {problem}", fg=typer.colors.RED, err=True)
    if problems:
        raise typer.Exit(1)


@app.command("export-reviews")
def export_reviews(
    out: Annotated[Path, typer.Option(help="Folder for one calibration YAML file per reviewed draft.")] = Path(
        "out/reviews"
    ),
) -> None:
    """Write reviewed drafts with the reviewers' per-criterion verdicts in the calibration set's format."""
    from evals.history import store_for_evals
    from evals.reviews import export_reviews as write_cases

    written = write_cases(store_for_evals(), out)
    typer.echo(f"wrote {len(written)} reviewed draft(s) to {out}")


@app.command()
def statements(
    out: Annotated[Path, typer.Option(help="Folder for statements.json and statements.md.")] = Path(
        "out/statements"
    ),
    check_floor: Annotated[
        bool, typer.Option(help="Exit 1 when the AUC falls below evals/calibration_floor.json.")
    ] = False,
    bootstrap: Annotated[
        int, typer.Option(min=0, help="Also give the AUC's 95% interval from this many resamples (e.g. 1000).")
    ] = 0,
    statement_set: Annotated[
        str,
        typer.Option("--set", help="validation (evals/statements, never tuned on), or dev, dev2 or dev3 (evals/statements-dev, "
                     "its second-batch/, third-batch/): the sets to tune on."),
    ] = "validation",
) -> None:
    """How the rubric ranks real published statements: praised above criticized (AUC), per criterion."""
    import json

    from evals.calibrate import floors
    from evals.calibration_set import load_calibration
    from evals.statements import (
        FLOOR_KEYS,
        LABELLED_SPLITS,
        STATEMENT_SETS,
        load_statements,
        measure,
        render_markdown,
    )

    if statement_set not in STATEMENT_SETS:
        raise typer.BadParameter(f"unknown set {statement_set!r}; choose from {', '.join(STATEMENT_SETS)}",
                                 param_hint="--set")
    labelled = load_calibration(LABELLED_SPLITS[statement_set]) if statement_set in LABELLED_SPLITS else None
    report = measure(load_statements(STATEMENT_SETS[statement_set]), bootstrap=bootstrap, labelled=labelled)
    markdown = render_markdown(report)
    out.mkdir(parents=True, exist_ok=True)
    (out / "statements.json").write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    (out / "statements.md").write_text(markdown, encoding="utf-8")
    typer.echo(markdown)
    floor = floors().get(FLOOR_KEYS[statement_set], {}).get("auc", 0.0)
    if check_floor and report.auc < floor:
        typer.secho(f"below floor: auc {report.auc:.3f} < {floor:.2f}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


@app.command()
def annotators(
    labelled: Annotated[str, typer.Option("--set", help="Which annotated set: holdout or second-writer.")] = "holdout",
) -> None:
    """Agreement between the two independent annotators of a labelled set, per criterion, before adjudication."""
    from evals.annotations import agreement, render_markdown

    typer.echo(render_markdown(agreement(labelled), labelled))


@app.command()
def run(
    prompts: Annotated[
        str, typer.Option(help="Comma-separated versions (reactive@v2) or labels (production,candidate).")
    ] = "production,candidate",
    model: Annotated[
        str | None, typer.Option(help="Any litellm model string; default: the service's default.")
    ] = None,
    cases: Annotated[str, typer.Option(help="Case ids or globs, comma-separated.")] = "*",
    repeat: Annotated[int, typer.Option(min=1, max=50, help="Samples per case and prompt.")] = 1,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Model calls in flight.")] = 2,
    temperature: Annotated[
        float | None, typer.Option(min=0, max=2, help="Default: each prompt's own.")
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Base seed; sample k uses seed + k.")] = 0,
    max_words: Annotated[
        int | None, typer.Option(min=10, max=1000, help="Override each case's word limit.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder (resumable: re-run to continue).")] = Path(
        "out/eval"
    ),
    n: Annotated[int, typer.Option("--n", min=1, max=8, help="Best-of-n candidates per draft.")] = 1,
    revise: Annotated[int, typer.Option(min=0, max=3, help="Critique-and-revise rounds per draft.")] = 0,
    cache: Annotated[Path, typer.Option(help="Model-output cache folder.")] = Path(".cache/trustdraft-evals"),
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the model-output cache.")
    ] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Store the run in the review database (eval history, compare).")
    ] = False,
    label: Annotated[str | None, typer.Option(help="A label for the recorded run, e.g. nightly.")] = None,
    judge: Annotated[
        str | None, typer.Option(help="Also ask an LLM judge (any litellm model string); its tokens and cost apart.")
    ] = None,
) -> None:
    """Draft every case with every prompt version through the service's pipeline, grade, write results.json."""
    import asyncio

    from evals.runner import RunConfig, summarise
    from service.errors import TrustdraftError

    config = RunConfig(
        prompts=[p.strip() for p in prompts.split(",") if p.strip()],
        out=out,
        model=model,
        cases=cases,
        repeat=repeat,
        concurrency=concurrency,
        temperature=temperature,
        seed=seed,
        cache_dir=None if no_cache else cache,
        max_words=max_words,
        n=n,
        revise=revise,
        judge=judge,
    )
    try:
        results = asyncio.run(_recorded(config, label) if record else _run(config))
    except (TrustdraftError, ValueError) as exc:
        typer.secho(f"error: {getattr(exc, 'detail', exc)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    _print_summary(summarise(results))
    typer.echo(f"wrote {out / 'results.json'}", err=True)
    if any(r.error for r in results.records):
        raise typer.Exit(1)


async def _run(config: RunConfig) -> RunResults:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from evals.runner import Progress as RunProgress
    from evals.runner import Runner, eval_drafter
    from service.settings import Settings

    drafter = await eval_drafter(Settings().with_model(config.model), config.cache_dir)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("drafting", total=None)
        progress = RunProgress(
            start=lambda total, done: bar.update(task, total=total, completed=done),
            advance=lambda record: bar.advance(task),
        )
        return await Runner(drafter, config, progress).run()


async def _recorded(config: RunConfig, label: str | None) -> RunResults:
    """The run, stored: `running` first, `finished` with its records only if it ends (else incomplete)."""
    from evals.history import record_run, store_for_evals

    run_id, results = await record_run(store_for_evals(), config, label, _run)
    typer.echo(f"recorded run {run_id}", err=True)
    return results


def _print_summary(rows: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("prompt", "drafts", "errors", "cached", "pass rate", "mean score", "mean latency ms", "mean tokens")
    for row in rows:
        table.add_row(
            *(
                str(row[k])
                for k in (
                    "prompt",
                    "drafts",
                    "errors",
                    "cached",
                    "pass_rate",
                    "mean_score",
                    "mean_latency_ms",
                    "mean_tokens",
                )
            )
        )
    Console(stderr=True).print(table)


@app.command()
def history(
    prompt: Annotated[str | None, typer.Option(help="A prompt id, version or label the run included.")] = None,
    model: Annotated[str | None, typer.Option(help="The model of the run.")] = None,
    label: Annotated[str | None, typer.Option(help="The run's label.")] = None,
    since: Annotated[str | None, typer.Option(help="Started at or after (ISO date or date-time, UTC).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recorded eval runs, newest first: status, pass rate and mean score per prompt, unstable cases, cost."""
    import json
    from datetime import UTC, datetime

    from evals.history import history_rows, store_for_evals
    from service.store.eval_runs import RunFilter

    moment = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    rows = history_rows(store_for_evals(), RunFilter(prompt, model, label, moment), limit)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        prompts = "; ".join(
            f"{name} pass {p['pass_rate']:.0%} score {p['mean_score']:.3f} unstable {p['unstable']}"
            for name, p in row["prompts"].items()
        )
        typer.echo(f"{row['id']}  {row['started_at']}  {row['status']:<10}  {row['label'] or '-':<10}  "
                   f"{row['model']}  {row['commit'] or '-'}  {prompts}")


@app.command()
def trend(
    prompt: Annotated[str, typer.Option(help="A prompt id (reactive), a version (reactive@v2) or a requested label.")],
    last: Annotated[int, typer.Option(min=1, max=1000, help="How many of its latest finished runs.")] = 20,
    out: Annotated[Path, typer.Option(help="Folder for trend.md, trend.html and trend.json.")] = Path("out/trend"),
) -> None:
    """A prompt over its last recorded runs: pass rate and per-criterion pass rates, mean score, cost, p50/p95."""
    from evals.history import store_for_evals
    from evals.report_html import render_trend_html
    from evals.report_trend import trend_markdown
    from evals.trend import load_trend, to_json
    from service.atomic import write_json_atomic

    found = load_trend(store_for_evals(), prompt, last)
    markdown = trend_markdown(found)
    out.mkdir(parents=True, exist_ok=True)
    (out / "trend.md").write_text(markdown, encoding="utf-8")
    (out / "trend.html").write_text(render_trend_html(found), encoding="utf-8")
    write_json_atomic(out / "trend.json", to_json(found))
    typer.echo(markdown)
    typer.echo(f"wrote {out / 'trend.md'}, {out / 'trend.html'} and {out / 'trend.json'}", err=True)


baseline_app = typer.Typer(help="Baselines pinned per prompt id, for `eval compare --base-run pinned:ID`.")
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("pin")
def baseline_pin(
    run_id: Annotated[str, typer.Argument(help="A finished recorded run.")],
    prompt: Annotated[list[str] | None, typer.Option(help="Prompt ids (default: every one the run drafted).")] = None,
) -> None:
    """Pin a recorded run as the baseline of its prompt ids."""
    from evals.history import pin, store_for_evals

    try:
        pinned = pin(store_for_evals(), run_id, prompt)
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"pinned {run_id} for {', '.join(pinned)}")


@app.command()
def compare(
    base: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="results.json of the baseline run.")
    ] = None,
    candidate: Annotated[
        Path | None,
        typer.Argument(exists=True, dir_okay=False, help="results.json of the candidate (default: BASE)."),
    ] = None,
    base_prompt: Annotated[
        str | None, typer.Option("--base", help="Baseline prompt in the run(s), e.g. production.")
    ] = None,
    candidate_prompt: Annotated[
        str | None, typer.Option("--candidate", help="Candidate prompt, e.g. candidate.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for report.md, report.html and comparison.json.")] = Path(
        "out/compare"
    ),
    gate: Annotated[Path | None, typer.Option(help="Gate thresholds (default: evals/gate.yaml).")] = None,
    base_run: Annotated[
        str | None, typer.Option(help="A recorded run as the baseline: its id, or pinned:<prompt id>.")
    ] = None,
    candidate_run: Annotated[str | None, typer.Option(help="A recorded run as the candidate.")] = None,
    min_pass_rate: Annotated[
        float | None, typer.Option(min=0, max=1, help="Fail when the candidate's overall pass rate is below this.")
    ] = None,
    min_case_pass_rate: Annotated[
        float | None,
        typer.Option(min=0, max=1, help="Fail when any case's candidate pass rate over its samples is below this."),
    ] = None,
    trend_last: Annotated[
        int, typer.Option(min=0, max=1000, help="With recorded runs: a trend of the candidate over its last N runs (0: none).")
    ] = 10,
) -> None:
    """Compare two prompt versions: per criterion, strategy and channel, with significance; exit 1 if the gate fails."""
    from evals.compare import compare as run_compare
    from evals.compare import to_json
    from evals.report_html import render_html
    from evals.report_md import render_markdown
    from service.atomic import write_json_atomic

    try:
        base_results = _results(base, base_run)
        candidate_results = _results(candidate, candidate_run) if candidate or candidate_run else base_results
        comparison = run_compare(
            base_results,
            candidate_results,
            base_prompt=base_prompt,
            candidate_prompt=candidate_prompt,
            gate=_gate(gate, min_pass_rate, min_case_pass_rate),
        )
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    trend = _trend_of(comparison.candidate_label, trend_last) if (base_run or candidate_run) and trend_last else None
    markdown = render_markdown(comparison, trend)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    (out / "report.html").write_text(render_html(comparison, trend), encoding="utf-8")
    write_json_atomic(out / "comparison.json", to_json(comparison))
    typer.echo(markdown)
    typer.echo(f"wrote {out / 'report.md'}, {out / 'report.html'} and {out / 'comparison.json'}", err=True)
    if not comparison.gate_passed:
        raise typer.Exit(1)


def _gate(path: Path | None, min_pass_rate: float | None, min_case_pass_rate: float | None) -> GateConfig:
    """evals/gate.yaml (or the file given), with the pass-rate thresholds from the command line when given."""
    from evals.compare import load_gate

    config = load_gate(path) if path else load_gate()
    given = {"min_pass_rate": min_pass_rate, "min_case_pass_rate": min_case_pass_rate}
    return config.model_copy(update={k: v for k, v in given.items() if v is not None})


def _trend_of(prompt: str, last: int) -> Trend:
    from evals.history import store_for_evals
    from evals.trend import load_trend

    return load_trend(store_for_evals(), prompt, last)


def _results(path: Path | None, run_ref: str | None) -> RunResults:
    """Results from a file or a recorded run (id or pinned:<prompt id>)."""
    from evals.results import load_results

    if run_ref is not None:
        from evals.history import load_run, store_for_evals

        return load_run(store_for_evals(), run_ref)
    if path is None:
        raise ValueError("give a results.json or --base-run")
    return load_results(path)


PROMPTFOO_DIR = Path(__file__).resolve().parent / "promptfoo"


def promptfoo_env(cases: str, model: str | None) -> dict[str, str]:
    """Environment for a promptfoo run: pinned Node 22 and promptfoo first on PATH, our Python, no telemetry."""
    import os
    import sys

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(PROMPTFOO_DIR / "node_modules" / ".bin"), env.get("PATH", "")])
    env.update(
        {
            "PROMPTFOO_PYTHON": sys.executable,
            "PROMPTFOO_DISABLE_TELEMETRY": "1",
            "PROMPTFOO_DISABLE_UPDATE": "1",
            "PROMPTFOO_CONFIG_DIR": str(root / ".cache" / "promptfoo"),
            "PYTHONPATH": os.pathsep.join([str(root), env.get("PYTHONPATH", "")]),
            "TRUSTDRAFT_PROMPTFOO_CASES": cases,
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        }
    )
    if model:
        env["TRUSTDRAFT_EVAL_MODEL"] = model
    return env


@app.command()
def promptfoo(
    cases: Annotated[str, typer.Option(help="Case ids or globs, comma-separated.")] = "*",
    model: Annotated[
        str | None, typer.Option(help="Any litellm model string; default: the service's default.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where promptfoo writes its results JSON.")] = Path(
        "out/promptfoo/results.json"
    ),
    view: Annotated[bool, typer.Option(help="Open promptfoo's web viewer afterwards.")] = False,
) -> None:
    """Run the cases through promptfoo's matrix (production vs candidate) with our provider and graders."""
    import shutil
    import subprocess

    wrapper = shutil.which("promptfoo", path=str(Path(__import__("sys").executable).parent))
    if not (PROMPTFOO_DIR / "node_modules" / ".bin" / "promptfoo").exists() or wrapper is None:
        typer.secho(
            "error: promptfoo is not set up; run `scripts/setup.sh dev` (npm ci in evals/promptfoo)",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    out.parent.mkdir(parents=True, exist_ok=True)
    config = Path(__file__).resolve().parent / "promptfooconfig.yaml"
    command = [
        wrapper,
        "eval",
        "-c",
        str(config),
        "-o",
        str(out.resolve()),
        "--no-cache",
        "--no-progress-bar",
    ]
    env = promptfoo_env(cases, model)
    code = _run_wrapper(command, env)
    if view:
        subprocess.run([wrapper, "view", "--yes"], env=env)
    # promptfoo exits 100 when some assertions fail: that is the rubric speaking, not a broken run.
    raise typer.Exit(0 if code in (0, 100) else code)


# The PyPI wrapper asks `node --version` with a 5-second timeout and, on any failure, exits 1 with this line
# and no cause. It happened twice in full test runs (never alone, node answering in 20 ms): a run that did
# not start is started again rather than failing the eval.
_NODE_CHECK_FAILED = "Could not determine the Node.js version"
_WRAPPER_STARTS = 3


def _run_wrapper(command: list[str], env: dict[str, str]) -> int:
    """The wrapper's exit code; its stderr is passed through as it comes, and read for the start failure."""
    import subprocess
    import sys

    for attempt in range(1, _WRAPPER_STARTS + 1):
        started = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, errors="replace")
        assert started.stderr is not None
        failed_to_start = False
        for line in started.stderr:
            sys.stderr.write(line)
            failed_to_start = failed_to_start or _NODE_CHECK_FAILED in line
        code = started.wait()
        if not (code != 0 and failed_to_start and attempt < _WRAPPER_STARTS):
            return code
        typer.secho(f"warning: promptfoo did not start (attempt {attempt}); starting it again", err=True)
    return code


def _calibrate_judge(split: str, out: Path, model: str) -> None:
    import asyncio

    from evals.calibrate import CalibrationReport, judge_agreement, render_markdown, write_report
    from evals.calibration_set import load_calibration
    from evals.judge import Judge
    from evals.runner import eval_drafter
    from service.settings import Settings

    async def measure() -> CalibrationReport:
        drafter = await eval_drafter(Settings().with_model(model))
        judge = Judge(drafter, model)
        return await judge_agreement(load_calibration(split), split, judge)

    report = asyncio.run(measure())
    write_report(report, out)
    typer.echo(render_markdown(report))


@app.command()
def injection(
    model: Annotated[
        str | None, typer.Option(help="Any litellm model string; default: the service's default.")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Model calls in flight.")] = 1,
    out: Annotated[Path, typer.Option(help="Where to write the outcomes (JSON).")] = Path(
        "out/injection.json"
    ),
    prompt: Annotated[
        str | None, typer.Option(help="A label (candidate) or a version; default: production.")
    ] = None,
) -> None:
    """Draft every case in evals/injection/ and report how often an injected instruction gets through unflagged."""
    import asyncio
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from evals.injection import Outcome, load_injection_cases, measure, summarise

    cases = load_injection_cases()

    from evals.runner import eval_drafter
    from service.settings import Settings

    async def go() -> list[Outcome]:
        drafter = await eval_drafter(Settings().with_model(model))
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns) as bar:
            task = bar.add_task("injection cases", total=len(cases))
            return await measure(
                drafter, cases, concurrency=concurrency, on_done=lambda o: bar.advance(task), prompt=prompt
            )

    outcomes = asyncio.run(go())
    summary = summarise(outcomes)
    rows = [
        {"id": o.case.id, "kind": o.case.kind, "detected": o.detected, "flagged": o.flagged,
         "matched": o.matched, "error": o.error, "draft": o.draft}
        for o in outcomes
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps({"model": model, "prompt": prompt, "summary": summary, "outcomes": rows}, indent=2))
    tmp.replace(out)
    typer.echo(json.dumps({k: v for k, v in summary.items() if k != "by_kind"}, indent=2))
    typer.echo(f"wrote {out}", err=True)
