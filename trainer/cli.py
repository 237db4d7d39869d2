"""The `trainer` command (also `flask --app trainer ...`): the same services the pages use."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from .auth import services as accounts
from .auth.models import Role


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema to the newest migration."""
    upgrade()
    click.echo("Database is at the newest schema.")


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option("--team", help="Team name; created if it does not exist.")
@click.option("--name", "display_name", help="Display name (defaults to the email's local part).")
@click.option("--password", help="Initial password; a random one is made and printed if omitted.")
@with_appcontext
def create_user_command(
    email: str,
    roles: tuple[str, ...],
    team: str | None,
    display_name: str | None,
    password: str | None,
) -> None:
    """Create an account."""
    generated = None if password else secrets.token_urlsafe(12)
    password = password or generated or ""
    team_row = accounts.get_or_create_team(team) if team else None
    try:
        user = accounts.create_user(
            email, display_name or email.split("@")[0], password, roles, team=team_row
        )
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")
    if generated:
        click.echo(f"Initial password (shown once): {generated}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo accounts, teams and a few active colleagues (safe to run again)."""
    from .demo import create_demo

    password = os.environ.get("DEMO_PASSWORD", "trainer-demo")
    created = create_demo(password)
    click.echo(f"Demo accounts (password: {password}):")
    for email, role in created:
        click.echo(f"  {role.value:<11} {email}")


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format for now).")
@with_appcontext
def stats_command(as_json: bool) -> None:
    """Print what the database holds."""
    from .stats import collect

    click.echo(json.dumps(collect(), ensure_ascii=False, indent=None if as_json else 2))


def _content_dir(directory: str | None) -> Path:
    return Path(directory or current_app.config["TRAINER_CONTENT_DIR"])


@click.command("check-content")
@click.argument("directory", required=False)
@with_appcontext
def check_content_command(directory: str | None) -> None:
    """Check the content files and their terminology (content/glossary.yml); print every problem
    as path:line: message, and how often the longest option is the key."""
    from .content_tree import check_cues, check_tree
    from .glossary import check_terms

    root = _content_dir(directory)
    problems = check_tree(root)
    if not problems:
        cues, problems = check_cues(root)
        for cue in cues:
            click.echo(str(cue))
    # Terminology is checked whatever else is wrong: it is independent of the structure.
    problems = sorted(set(problems) | set(check_terms(root)))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found in {root}.", err=True)
        sys.exit(1)
    click.echo(f"{root}: no problems found.")


@click.command("load-content")
@click.argument("directory", required=False)
@with_appcontext
def load_content_command(directory: str | None) -> None:
    """Check, then load the content into the database (safe to repeat; never deletes)."""
    from .content import ContentError
    from .content_tree import load_tree, read_tree

    root = _content_dir(directory)
    try:
        tree = read_tree(root)
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s); nothing was loaded.", err=True)
        sys.exit(1)
    with click.progressbar(length=tree.size, label="Loading content", file=sys.stderr) as bar:
        result = load_tree(tree, progress=bar.update)
    report, bank = result.lessons, result.banks
    new, changed, same = result.scenarios
    click.echo(
        f"Lessons: {len(report.added)} new, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.archived)} archived, "
        f"{len(report.restored)} restored. Competencies: {report.competencies_added} new, "
        f"{report.competencies_changed} updated. Questions: {bank.added} new, "
        f"{bank.changed} changed, {bank.unchanged} unchanged, {bank.archived} archived. "
        f"Quizzes: {bank.quizzes}. Scenarios: {new} new, {changed} changed, {same} unchanged. "
        "QA scorecards: {} new, {} changed, {} unchanged.".format(*result.scorecards)
    )


@click.command("export-content")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_content_command(directory: Path) -> None:
    """Write the published content as files that load-content accepts unchanged."""
    from .content_export import export_content

    counts = export_content(directory)
    click.echo(
        f"Wrote {counts['lessons']} lessons, {counts['questions']} questions and "
        f"{counts['scenarios']} scenarios to {directory}."
    )


@click.command("rebuild-profiles")
@with_appcontext
def rebuild_profiles_command() -> None:
    """Recompute every competency profile from the evidence alone."""
    from .competency.services import rebuild_profiles

    click.echo(f"Rebuilt {rebuild_profiles()} profile row(s) from the evidence.")


@click.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", required=True, help="Bank slug; created if it does not exist.")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="The file's encoding when it is not UTF-8 (e.g. gbk); a byte-order mark always wins.",
)
@with_appcontext
def import_gift_command(file: Path, bank: str, encoding: str) -> None:
    """Import a Moodle GIFT file into a question bank: all its questions, or none."""
    from .quizzes.gift import GiftEncodingError, decode_gift
    from .quizzes.services import import_gift

    try:
        text = decode_gift(file.read_bytes(), encoding)
    except GiftEncodingError as exc:
        click.echo(f"{file}:{exc.line}: {exc.message}", err=True)
        sys.exit(1)
    report = import_gift(text, bank)
    for problem in report.problems:
        note = " (question kept)" if problem.warning else ""
        click.echo(f"{file}:{problem.line}: {problem.message}{note}", err=True)
    if report.refused:
        click.echo(
            f"Refused {len(report.refused)} question(s); nothing was imported into “{bank}”.",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Imported {len(report.imported)} question(s) into “{bank}”.")


@click.command("export-gift")
@click.option("--bank", required=True, help="Bank slug.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; standard output when omitted.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@with_appcontext
def export_gift_command(bank: str, output: Path | None, lang: str) -> None:
    """Export a question bank as Moodle GIFT (ordering questions have no GIFT form)."""
    from .quizzes.services import NotFound, export_gift

    try:
        text, skipped = export_gift(bank, lang)
    except NotFound:
        raise click.ClickException(f"There is no bank “{bank}”.") from None
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if skipped:
        click.echo(
            f"Skipped {len(skipped)} question(s) GIFT cannot express: " + ", ".join(skipped),
            err=True,
        )


@click.command("score-reply")
@click.argument("scenario")
@click.argument("node")
@click.option("--lang", type=click.Choice(["zh", "en"]), required=True, help="The call's language.")
@click.option("--content", "directory", help="Content folder (default: TRAINER_CONTENT_DIR).")
@with_appcontext
def score_reply_command(scenario: str, node: str, lang: str, directory: str | None) -> None:
    """Score one written reply (read from standard input) as the role-play checker does."""
    from .roleplay import scoring_cli

    root = _content_dir(directory)
    try:
        result = scoring_cli.score_reply(root, scenario, node, lang, sys.stdin.read())
    except scoring_cli.ReplyRefused as exc:
        click.echo(f"score-reply: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@click.command("import-interactions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by_email", help="Email of the QA reviewer recording them.")
@with_appcontext
def import_interactions_command(file: Path, by_email: str | None) -> None:
    """Import interactions to review from a CSV (agent_email, channel, date, reference,
    transcript); print a report per row; exit 1 if any row was refused (it stores nothing)."""
    from .qa.services import import_interactions

    actor = accounts.find_user_by_email(by_email) if by_email else None
    if by_email and actor is None:
        raise click.ClickException(f"No account has the email {by_email}.")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text.") from None
    report = import_interactions(text, actor)
    for problem in report.problems:
        click.echo(f"{file}: {problem}", err=True)
    for row in report.rows:
        if row.stored:
            click.echo(f"{file}:{row.line}: {row.reference}: stored")
        else:
            click.echo(
                f"{file}:{row.line}: {row.reference or '-'}: refused: " + "; ".join(row.problems),
                err=True,
            )
    click.echo(f"{report.stored} stored, {report.refused} refused.")
    if report.refused:
        sys.exit(1)


@click.command("content-schema")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the schemas to (default: print the scenario schema).",
)
def content_schema_command(output: Path | None) -> None:
    """The JSON Schemas of the content formats, for editors' completion and checks."""
    from .roleplay.definition import json_schema

    schemas = {"scenario.schema.json": json_schema()}
    if output is None:
        click.echo(json.dumps(schemas["scenario.schema.json"], ensure_ascii=False, indent=2))
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        (output / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        click.echo(f"Wrote {output / name}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write an online, verified archive of the database to FILE (the site may keep serving)."""
    from .backup import BackupError, backup

    try:
        manifest = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Backed up {len(manifest['tables'])} tables, {rows} rows, to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Restore the archive FILE into the database and check every table against its manifest."""
    from .backup import BackupError, restore
    from .extensions import db

    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old database open
    try:
        manifest = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Restored {len(manifest['tables'])} tables from {file} "
        f"(taken {manifest['created_at']}); every table matches the manifest."
    )


@click.command("xapi-worker")
@click.option("--once", is_flag=True, help="One pass over the outbox, then exit.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
@click.option("--batch-size", default=50, show_default=True, help="Statements per request.")
@with_appcontext
def xapi_worker_command(once: bool, interval: float, batch_size: int) -> None:
    """Send pending xAPI statements to the LRS set by TRAINER_XAPI_ENDPOINT."""
    import time

    from .certification.services import record_expiries
    from .extensions import db
    from .xapi.delivery import deliver, lrs_from_config
    from .xapi.services import pending_count

    lrs = lrs_from_config(current_app.config)
    if lrs is None:
        raise click.ClickException(
            "Set TRAINER_XAPI_ENDPOINT, TRAINER_XAPI_USERNAME and TRAINER_XAPI_PASSWORD."
        )
    while True:
        record_expiries()
        report = deliver(lrs, batch_size=batch_size)
        click.echo(
            f"xAPI: {report.sent} sent, {report.failed} failed, {pending_count()} pending."
            + (f" Last error: {report.errors[-1]}" if report.errors else "")
        )
        db.session.remove()
        if once:
            return
        time.sleep(interval)


COMMANDS = (
    xapi_worker_command,
    export_content_command,
    rebuild_profiles_command,
    import_gift_command,
    export_gift_command,
    init_db_command,
    create_user_command,
    demo_command,
    stats_command,
    check_content_command,
    load_content_command,
    score_reply_command,
    import_interactions_command,
    content_schema_command,
    backup_command,
    restore_command,
)


def register(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def main() -> None:
    from . import create_app

    FlaskGroup(
        create_app=lambda: create_app({"TRAINER_COMMAND_LINE": True}),
        help="Service Trainer administration.",
    ).main()
