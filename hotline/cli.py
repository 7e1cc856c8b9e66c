"""The `hotline` command: the composition root of the CLI.

The command list and each command's one-line help are written here, so `hotline --help` and
`hotline <group> --help` import neither the features nor the app; a command's module is
imported when it is asked for, and the app is built only when a command that needs it runs
(Flask's `ScriptInfo`, as `flask` itself does). bench/cli.py measures it.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path

import click
from flask.cli import ScriptInfo, with_appcontext

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: name → (module:attribute, one-line help). The help is shown without importing the module;
#: tests/test_cli.py checks that it is the first line of the command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "callbacks": (
        "ivr.queue_cli:callbacks",
        "Queued callbacks: list them, place the ones whose turn has come.",
    ),
    "config": (
        "hotline.cli:config",
        "Inspect the configuration.",
    ),
    "db": (
        "flask_migrate.cli:db",
        "Perform database migrations.",
    ),
    "desk": (
        "desk.cli:desk",
        "The operators' desk: states, tickets from letters and visits.",
    ),
    "demo": (
        "hotline.cli:demo",
        "Play a whole call with a spoken voicemail and show its transcript and draft ticket.",
    ),
    "knowledge": (
        "knowledge.cli:knowledge",
        "The knowledge base: list, search, sync the menu's answers, import articles.",
    ),
    "menu": (
        "ivr.cli:menu",
        "Validate, import, export and publish menu documents.",
    ),
    "models": (
        "transcription.cli:models",
        "List and install Vosk speech models.",
    ),
    "operators": (
        "ivr.queue_cli:operators",
        "Operators on the operator line: PIN, queues, phone, language.",
    ),
    "queues": (
        "ivr.queue_cli:queues",
        "Live queues and their metrics.",
    ),
    "reconcile": (
        "voicemail.cli:reconcile_command",
        "Re-enqueue unfinished voicemails whose job is gone; replay callbacks stashed in an "
        "outage.",
    ),
    "report": (
        "reports.cli:report",
        "Reports: the weekly flash report, the monthly analysis, figures, warnings, stars.",
    ),
    "retention": (
        "voicemail.cli:retention",
        "Delete old local audio.",
    ),
    "run": (
        "hotline.cli:run",
        "Start web, worker and scheduler from the Procfile together (local use).",
    ),
    "scheduler": (
        "hotline.cli:scheduler",
        "Run periodic work (reconciler, retention, reports) on RQ's cron scheduler.",
    ),
    "seed": (
        "hotline.cli:seed",
        "Create first-run data (admin account, default menu); does nothing when already there.",
    ),
    "tickets": (
        "tickets.cli:tickets",
        "Tickets: suggestions, listing, moves, the overdue digest.",
    ),
    "tokens": (
        "hotline.accounts.cli:tokens",
        "Issue API bearer tokens.",
    ),
    "transcribe": (
        "transcription.cli:transcribe",
        "Transcribe audio FILES offline; unreadable files are reported and the rest still run.",
    ),
    "users": (
        "hotline.accounts.cli:users",
        "Manage users (operators, admins, managers, partners).",
    ),
    "voicemail": (
        "voicemail.cli:voicemail",
        "Inspect and retry voicemails.",
    ),
    "worker": (
        "hotline.cli:worker",
        "Preload the speech models, then work the RQ queues (with RQ's scheduler for retries).",
    ),
}


#: Commands a feature adds to the group of a feature below it, which cannot import them: the
#: tickets' `move` is voicemail's, since confirming a voicemail's draft corrects its transcript.
SUBCOMMANDS: dict[str, dict[str, str]] = {
    "tickets": {"move": "voicemail.cli:ticket_move"},
}


def _imported(path: str) -> click.Command:
    module, attribute = path.split(":")
    return getattr(importlib.import_module(module), attribute)


def load_command(name: str) -> click.Command:
    """Import the command `name` from its module (see COMMANDS), with its SUBCOMMANDS."""
    command = _imported(COMMANDS[name][0])
    for sub_name, path in SUBCOMMANDS.get(name, {}).items():
        command.add_command(_imported(path), sub_name)  # type: ignore[attr-defined]
    return command


class LazyGroup(click.Group):
    """A group whose commands are imported when they are run or their own help is asked for.

    Only COMMANDS are commands: the app's own CLI (`app.cli`, where extensions such as
    Flask-Limiter add theirs) is not searched, so a mistyped name never builds the app."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, or None (click says "No such command") without building the app."""
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in sorted(COMMANDS.items())])


def _create_app():  # type: ignore[no-untyped-def]
    from hotline.app import create_app

    return create_app()


@click.group(cls=LazyGroup)
def cli() -> None:
    """Hotline: IVR, voicemail transcription and tickets for a complaint hotline."""


@click.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("table")
def config_table() -> None:
    """Print the configuration table (Markdown) that the README carries."""
    from hotline.core.settings import settings_table

    click.echo(settings_table())


@config.command("check")
def config_check() -> None:
    """Validate the environment's configuration and print the values in effect (secrets hidden)."""
    from hotline.core.settings import load_settings

    settings = load_settings()
    for name, value in settings.model_dump().items():
        if name in ("twilio_auth_token", "secret_key") and value:
            value = value[:4] + "…"
        click.echo(f"{name.upper()}={value}")


@click.command("seed")
@with_appcontext
def seed() -> None:
    """Create first-run data (admin account, default menu); does nothing when already there."""
    from hotline.accounts.seed import run_seed

    for message in run_seed() or ["nothing to seed: data already present"]:
        click.echo(message)


@click.command("run")
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
    from hotline.core.settings import load_settings

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


@click.command("demo")
@click.option(
    "--url",
    default=None,
    help="A running Hotline (e.g. http://127.0.0.1:8000); default: start one in this process.",
)
@click.option("--caller", default="+8613800138000", show_default=True)
@click.option("--timeout", default=180, show_default=True, help="Seconds to wait for the draft.")
def demo(url: str | None, caller: str, timeout: int) -> None:
    """Play a whole call with a spoken voicemail and show its transcript and draft ticket."""
    from hotline.demo import run_demo

    run_demo(url, caller, timeout)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Quit when the queues are empty.")
def worker(burst: bool) -> None:
    """Preload the speech models, then work the RQ queues (with RQ's scheduler for retries)."""
    from workers.worker import run_worker

    run_worker(burst=burst)


@click.command("scheduler")
def scheduler() -> None:
    """Run periodic work (reconciler, retention, reports) on RQ's cron scheduler."""
    from workers.scheduler import run_scheduler

    run_scheduler()


def main() -> None:
    try:
        cli.main(prog_name="hotline", obj=ScriptInfo(create_app=_create_app))
    except Exception as exc:
        # A bad setting: name the variable, no traceback. Looked up only when something failed,
        # so that `--help` never imports the settings.
        settings = sys.modules.get("hotline.core.settings")
        if settings is None or not isinstance(exc, settings.SettingsError):
            raise
        click.secho(str(exc), fg="red", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
