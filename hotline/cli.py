"""The `hotline` command: Flask's CLI with the app factory, plus the project's own commands."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

from hotline.core.settings import SettingsError, load_settings, settings_table

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _create_app():  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def cli() -> None:
    """Hotline: IVR, voicemail transcription and tickets for a complaint hotline."""


@cli.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("table")
def config_table() -> None:
    """Print the configuration table (Markdown) that the README carries."""
    click.echo(settings_table())


@config.command("check")
def config_check() -> None:
    """Validate the environment's configuration and print the values in effect (secrets hidden)."""
    settings = load_settings()
    for name, value in settings.model_dump().items():
        if name in ("twilio_auth_token", "secret_key") and value:
            value = value[:4] + "…"
        click.echo(f"{name.upper()}={value}")


@cli.command("seed")
def seed() -> None:
    """Create first-run data (admin account, default menu); does nothing when already there."""
    from hotline.accounts.seed import run_seed

    for message in run_seed() or ["nothing to seed: data already present"]:
        click.echo(message)


@cli.command("run", with_appcontext=False)
@click.option("--port", default=8000, show_default=True, help="Port for the web process.")
@click.option(
    "--procfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=PROJECT_ROOT / "Procfile",
    show_default=True,
)
@click.option("--only", "only", multiple=True, help="Run only these Procfile entries (repeatable).")
def run(port: int, procfile: Path, only: tuple[str, ...]) -> None:
    """Start web, worker and scheduler from the Procfile together (local use).

    With no Redis at REDIS_URL (and not in production) only the web process starts, as one
    process whose embedded queue and worker thread stand in for Redis and the worker.
    """
    from honcho.environ import parse_procfile
    from honcho.manager import Manager

    from hotline.core.queues import redis_answers

    settings = load_settings()
    # The Procfile names `gunicorn` and `hotline`: find them beside this interpreter, so that
    # `.venv/bin/hotline run` works without an activated virtual environment.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = dict(os.environ, PORT=str(port), PYTHONUNBUFFERED="1", PATH=path)
    wanted = set(only)
    if not redis_answers(settings.redis_url):
        if settings.is_production:
            raise click.ClickException(f"no Redis answers at {settings.redis_url}")
        click.secho(
            f"No Redis answers at {settings.redis_url}: starting only the web process, as ONE "
            "process with the embedded in-process queue and worker thread (jobs are lost when it "
            "stops). Start Redis for separate worker and scheduler processes.",
            fg="yellow",
            err=True,
        )
        env["WEB_CONCURRENCY"] = "1"
        wanted = {"web"}
    processes = parse_procfile(procfile.read_text()).processes
    manager = Manager()
    for name, command in processes.items():
        if not wanted or name in wanted:
            manager.add_process(name, command, env=env, cwd=str(PROJECT_ROOT))
    manager.loop()
    sys.exit(manager.returncode)


@cli.command("worker", with_appcontext=False)
@click.option("--burst", is_flag=True, help="Quit when the queues are empty.")
def worker(burst: bool) -> None:
    """Preload the speech models, then work the RQ queues (with RQ's scheduler for retries)."""
    from workers.worker import run_worker

    run_worker(burst=burst)


@cli.command("scheduler", with_appcontext=False)
def scheduler() -> None:
    """Run periodic work (reconciler, retention, reports) on RQ's cron scheduler."""
    from workers.scheduler import run_scheduler

    run_scheduler()


def _register_feature_commands() -> None:
    from hotline.accounts.cli import tokens, users
    from hotline.demo import demo
    from ivr.cli import menu
    from ivr.queue_cli import callbacks, operators, queues
    from reports.cli import report
    from tickets.cli import tickets
    from transcription.cli import models, transcribe
    from voicemail.cli import reconcile_command, retention, voicemail

    for command in (
        users,
        tokens,
        menu,
        operators,
        queues,
        callbacks,
        tickets,
        report,
        models,
        transcribe,
        reconcile_command,
        retention,
        voicemail,
        demo,
    ):
        cli.add_command(command)


_register_feature_commands()


def main() -> None:
    try:
        cli.main(prog_name="hotline")
    except SettingsError as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
