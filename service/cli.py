"""`trustdraft serve | draft | prompts | eval ...`; heavy imports happen inside the commands."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="Draft messages that rebuild trust, and evaluate the prompts that write them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
prompts_app = typer.Typer(help="List and release prompt versions.", no_args_is_help=False)
app.add_typer(prompts_app, name="prompts")
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
db_app = typer.Typer(help="The review database (TRUSTDRAFT_DATABASE_URL, or SQLite at TRUSTDRAFT_DATABASE_PATH).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the schema migrations (the service also applies them at start-up)."""
    from service.settings import Settings
    from service.store.engine import make_engine
    from service.store.migrate import current_revision, upgrade

    engine = make_engine(Settings().sqlalchemy_url)
    upgrade(engine)
    typer.echo(f"database at revision {current_revision(engine)}")


@db_app.command("purge")
def db_purge(
    older_than_days: Annotated[
        int | None, typer.Option(min=1, help="Default: TRUSTDRAFT_RETENTION_DAYS.")
    ] = None,
) -> None:
    """Erase draft texts and facts older than N days; states, figures and the audit trail stay."""
    from datetime import UTC, datetime, timedelta

    from service.settings import Settings
    from service.store import open_store
    from service.store.stats import purge_before

    settings = Settings()
    days = older_than_days or settings.retention_days
    if days is None:
        _fail("say --older-than-days or set TRUSTDRAFT_RETENTION_DAYS")
        return
    store = open_store(settings.sqlalchemy_url)
    with store.writing() as conn:
        purged = purge_before(conn, datetime.now(UTC) - timedelta(days=days))
    typer.echo(f"purged {purged} draft(s) older than {days} days")


@keys_app.command("hash")
def keys_hash(key: Annotated[str, typer.Argument(help="The API key to store; read from stdin when '-'.")]) -> None:
    """Print the sha256:<hex> form to put in TRUSTDRAFT_API_KEYS, so plain keys never sit in config."""
    from service.api.guards import hash_key

    typer.echo(hash_key(sys.stdin.readline().strip() if key == "-" else key))


PLUGIN_GROUP = "trustdraft.cli"


def _add_plugins() -> None:
    """Sub-commands other packages contribute (the eval suite's `eval`), so service/ never imports evals/."""
    from importlib.metadata import entry_points

    for entry in entry_points(group=PLUGIN_GROUP):
        app.add_typer(entry.load(), name=entry.name)


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (each loads its own model).")] = 1,
) -> None:
    """Run the HTTP service."""
    import uvicorn

    from service.logging import configure_logging
    from service.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level)
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


@app.command()
def draft(
    facts_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Facts as YAML or JSON.")],
    strategy: Annotated[str, typer.Option(help="reactive | preemptive | proactive")] = "reactive",
    channel: Annotated[
        str,
        typer.Option(help="email | status_page | social_post | press_statement | internal_memo | blog_post"),
    ] = "email",
    prompt: Annotated[
        str | None, typer.Option(help="A version (reactive@v1) or a label (candidate).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Any litellm model string; default: the embedded model.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole response as JSON.")] = False,
    checks: Annotated[bool, typer.Option(help="Grade the draft against the rubric.")] = True,
    max_words: Annotated[int | None, typer.Option(help="Word limit; default depends on the channel.")] = None,
) -> None:
    """Draft one message from a facts file and print it."""
    import yaml
    from pydantic import ValidationError

    from service.errors import TrustdraftError
    from service.schemas import DraftRequest

    try:
        data = yaml.safe_load(facts_file.read_text(encoding="utf-8"))
        facts = data.get("facts", data) if isinstance(data, dict) else data
        request = DraftRequest.model_validate(
            {
                "strategy": strategy,
                "channel": channel,
                "facts": facts,
                "prompt": prompt,
                "model": model,
                "options": {"checks": checks, "max_words": max_words},
            }
        )
    except (yaml.YAMLError, ValidationError) as exc:
        _fail(f"{facts_file}: {exc}")
        return
    try:
        response = asyncio.run(_draft_once(request))
    except TrustdraftError as exc:
        _fail(f"{exc.title}: {exc.detail}", code=1)
        return
    if as_json:
        typer.echo(response.model_dump_json(indent=2, exclude_none=True))
    else:
        _print_draft(response)


async def _draft_once(request: Any) -> Any:
    from service.drafting import build_drafter
    from service.settings import Settings

    drafter = await build_drafter(Settings().with_model(request.model))
    return await drafter.draft(request)


def _print_draft(response: Any) -> None:
    heading = response.subject or response.headline
    if heading:
        typer.secho(("Subject: " if response.subject else "") + heading, bold=True)
        typer.echo("")
    typer.echo(response.text)
    typer.echo("")
    meta = f"{response.prompt.id}@{response.prompt.version} · {response.model} · {response.latency_ms:.0f} ms"
    if response.checks is not None:
        verdict = "pass" if response.checks.passed else "FAIL"
        meta += f" · rubric {response.checks.score:.2f} {verdict}"
    typer.secho(meta, dim=True, err=True)
    for warning in response.warnings:
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)


@prompts_app.callback(invoke_without_command=True)
def prompts_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List prompt versions with their labels and hashes."""
    if ctx.invoked_subcommand is not None:
        return
    from service.api.prompts import prompt_info

    registry = _registry()
    infos = [prompt_info(registry, pid) for pid in registry.ids()]
    if as_json:
        typer.echo(json.dumps([i.model_dump() for i in infos], indent=2))
        return
    for info in infos:
        for version in info.versions:
            labels = f" [{', '.join(version.labels)}]" if version.labels else ""
            typer.echo(f"{info.id}@{version.version}{labels}  {version.sha256[:12]}  {version.description}")


@prompts_app.command("lock")
def prompts_lock() -> None:
    """Release new prompt versions by recording their SHA-256 in prompts.lock."""
    from service.prompts import LockProblem, lock_mismatches, write_lock

    registry = _registry()
    changed = [p.message for p in lock_mismatches(registry) if p.kind is not LockProblem.Kind.unreleased]
    if changed:
        _fail("released prompt files differ from the lock:\n  " + "\n  ".join(changed), code=1)
    added = write_lock(registry)
    typer.echo("released: " + (", ".join(added) if added else "nothing new"))


def _registry() -> Any:
    from service.prompts import PromptLoadError, PromptRegistry
    from service.settings import Settings

    try:
        return PromptRegistry.load(Settings().prompts_dir)
    except PromptLoadError as exc:
        _fail(str(exc))


def main() -> None:
    _add_plugins()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
