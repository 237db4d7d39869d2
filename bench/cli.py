"""`python -m bench`: generate, measure, print the table."""

from __future__ import annotations

import os
import platform
import shutil
import time
from functools import partial
from pathlib import Path

import click
from flask import Flask

from trainer.certification.models import Status
from trainer.certification.services import Filters, dashboard
from trainer.competency.profile import profile
from trainer.content import ContentError
from trainer.extensions import db

from .environment import CONTENT_DIR, build_app, make_database_dir
from .generate import HR_EMAIL, PASSWORD, TRAINEE_EMAIL, Organisation, Size, generate
from .measure import Bench, Result, explain, login

SLOW_MS = 100.0
FILTERED_CERTIFICATION = "service-foundation"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--trainees", default=Size.trainees, show_default=True, type=click.IntRange(min=2))
@click.option("--evidence", default=Size.evidence, show_default=True, type=click.IntRange(min=0))
@click.option("--teams", default=Size.teams, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--repeats", default=5, show_default=True, type=click.IntRange(min=1), help="timed runs"
)
@click.option("--seed", default=Size.seed, show_default=True, help="for the random data")
@click.option(
    "--content",
    default=CONTENT_DIR,
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="the content tree to load",
)
@click.option("--explain", is_flag=True, help="print SQLite's plan for slow statements")
@click.option("--keep", is_flag=True, help="keep the database (its path is printed)")
def main(
    trainees: int,
    evidence: int,
    teams: int,
    repeats: int,
    seed: int,
    content: Path,
    explain: bool,
    keep: bool,
) -> None:
    """Time the HR dashboard, the profile and the CSV export on a synthetic organisation.

    Options can also come from the environment (BENCH_TRAINEES=500 make bench)."""
    directory = make_database_dir()
    database = directory / "bench.sqlite3"
    try:
        click.echo(f"database: {database}", err=True)
        try:
            app = build_app(database, content)
        except ContentError as exc:
            problems = "\n".join(f"  {p}" for p in exc.problems)
            raise click.ClickException(
                f"the content in {content} does not load:\n{problems}"
            ) from exc
        started = time.perf_counter()
        with app.app_context():
            org = generate(Size(trainees, evidence, teams, seed))
            db.session.remove()
        org.seconds = time.perf_counter() - started
        click.echo(f"generated in {org.seconds:.1f} s; measuring ({repeats} runs each)", err=True)
        results = run_scenarios(app, org, repeats)
        click.echo(report(results, org, database, repeats, explain_app=app if explain else None))
        with app.app_context():
            db.engine.dispose()
    finally:
        if keep:
            click.echo(f"kept {database}", err=True)
        else:
            shutil.rmtree(directory, ignore_errors=True)


def run_scenarios(app: Flask, org: Organisation, repeats: int) -> list[Result]:
    bench = Bench(app, repeats)
    try:

        def board(filters: Filters, page: int = 1) -> None:
            bench.service(
                f"dashboard({_describe(filters, page)})",
                lambda: dashboard(filters, page),
                lambda d: f"{d.total:,} people, page {d.page}/{d.pages}",
            )

        board(Filters())
        board(Filters(team_id=org.team_id))
        board(Filters(status=Status.EXPIRING))
        board(Filters(certification_id=FILTERED_CERTIFICATION, status=Status.CERTIFIED))
        board(Filters(), page=10**9)
        for label, user_id, count in (
            ("heavy", org.heavy_trainee_id, org.heavy_evidence),
            ("typical", org.typical_trainee_id, org.typical_evidence),
        ):
            bench.service(
                f'profile({label} trainee, "zh")',
                partial(profile, user_id, "zh"),
                partial(_evidence_note, count),
            )
        hr = login(app, HR_EMAIL, PASSWORD)
        trainee = login(app, TRAINEE_EMAIL, PASSWORD)
        bench.page("GET /hr/", hr, "/hr/")
        bench.page(
            "GET /hr/?team=…&status=expiring", hr, f"/hr/?team={org.team_id}&status=expiring"
        )
        bench.page("GET /profile (heavy trainee)", trainee, "/profile")
        bench.stream(
            ("GET /hr/export.csv: first chunk", "GET /hr/export.csv: whole file"),
            hr,
            "/hr/export.csv",
        )
    finally:
        bench.close()
    return bench.results


def _evidence_note(count: int, _profile: object) -> str:
    return f"{count:,} evidence rows for this trainee"


def _describe(filters: Filters, page: int) -> str:
    parts = []
    if filters.team_id:
        parts.append("team")
    if filters.certification_id:
        parts.append(f"certification={filters.certification_id}")
    if filters.status:
        parts.append(f"status={filters.status.value}")
    if page > 1:
        parts.append("last page")
    return ", ".join(parts)


def report(
    results: list[Result],
    org: Organisation,
    database: Path,
    repeats: int,
    explain_app: Flask | None = None,
) -> str:
    rows = org.rows
    size_mb = sum(
        p.stat().st_size for p in database.parent.glob(database.name + "*") if p.is_file()
    ) / (1024 * 1024)
    lines = [
        "",
        f"Service Trainer benchmark · SQLite · {os.cpu_count()} CPU(s) · "
        f"Python {platform.python_version()} · {platform.machine()}",
        f"database: {rows['trainees']:,} trainees in {rows['teams']} teams, "
        f"{rows['evidence']:,} evidence, {rows['proficiencies']:,} proficiencies, "
        f"{rows['certifications']} certifications, {rows['standings']:,} standings, "
        f"{rows['certificates']:,} certificates; {size_mb:,.0f} MiB; "
        f"generated in {org.seconds:.0f} s",
        f"median of {repeats} runs after one warm-up; 'sql ms' = time inside cursor.execute",
        "",
    ]
    header = ("scenario", "median ms", "min ms", "sql ms", "queries", "trainees", "evidence")
    table = [
        (
            r.name,
            f"{r.median_ms:,.1f}",
            f"{r.min_ms:,.1f}",
            f"{r.sql_ms:,.1f}",
            r.queries,
            f"{rows['trainees']:,}",
            f"{rows['evidence']:,}",
            r.note,
        )
        for r in results
    ]
    widths = [max(len(str(x)) for x in col) for col in zip((*header, ""), *table, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:7], widths[1:7], strict=True)]
        return "  ".join([first, *rest, *cells[7:]]).rstrip()

    lines.append(line((*header, "")))
    lines.append(line((*("-" * w for w in widths[:7]), "")))
    lines += [line(row) for row in table]
    slow = [r for r in results if r.median_ms > SLOW_MS and r.slowest is not None]
    if slow:
        lines += [
            "",
            f"over {SLOW_MS:.0f} ms (SQL share, and the slowest statement of the median run):",
        ]
        for r in slow:
            st = r.slowest
            assert st is not None
            sql = " ".join(st.sql.split())
            lines.append(
                f"  {r.name}: {r.median_ms:,.0f} ms, {r.sql_ms:,.0f} ms in SQL; "
                f"slowest {st.ms:,.1f} ms: {sql[:110]}{'…' if len(sql) > 110 else ''}"
            )
            if explain_app is not None:
                lines += [f"      plan: {step}" for step in explain(explain_app, st)]
    return "\n".join(lines)
