"""``missionmonitor users``: accounts for the portal."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import configured, out, reported, settings

app = typer.Typer(help="Portal accounts.", no_args_is_help=True)
ROLES_HELP = (
    "adp_submitter, adp_approver, ia_officer, ijb_member, health_board_officer (scoped to an "
    "area: give --area), phs_analyst, government_viewer, mat_moderator, "
    "oversight_secretariat or administrator (see portal/permissions.yaml)."
)


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    area: Annotated[
        str | None,
        typer.Option(
            help="The area of a scoped role: ADP (S11…), Integration Authority (S37…) "
            "or health board (S08…)."
        ),
    ] = None,
    email: Annotated[str, typer.Option(help="Email address.")] = "",
) -> None:
    """Create an account and print its first password (share it securely).

    Example: [bold]missionmonitor users add ana --role phs_analyst --name "Ana Analyst"[/]
    """
    from missionmonitor.portal import accounts
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.portal.permissions import matrix

    configuration = configured(ctx)
    with reported():
        site = settings(ctx)
        engine = connect(site.app_database_url)
        with session_scope(engine) as db:
            user, password = accounts.add_user(
                configuration,
                db,
                username,
                name or username,
                role,
                area,
                email,
                hashing=site.password_hashing,
            )
    out.print(f"Created {user.username} ({matrix().roles[role].label}). Password: {password}")


@app.command("list")
def list_users(ctx: typer.Context) -> None:
    """List accounts.

    Example: [bold]missionmonitor users list[/]
    """
    from missionmonitor.portal import accounts
    from missionmonitor.portal.db import connect, session_scope

    with reported():
        engine = connect(settings(ctx).app_database_url)
        with session_scope(engine) as db:
            users = accounts.list_users(db)
    table = Table(title="Accounts")
    for col in ("Username", "Name", "Role", "Area", "Active"):
        table.add_column(col)
    for u in users:
        table.add_row(
            u.username, u.display_name, u.role, u.area_code or "—", "yes" if u.active else "no"
        )
    out.print(table)


@app.command("disable")
def disable(ctx: typer.Context, username: str) -> None:
    """Disable an account and end its sessions (nothing is deleted).

    Example: [bold]missionmonitor users disable ana[/]
    """
    from missionmonitor.portal import accounts
    from missionmonitor.portal.db import connect, session_scope

    with reported(), session_scope(connect(settings(ctx).app_database_url)) as db:
        accounts.disable_user(db, username)
    out.print(f"Disabled {username}.")


@app.command("reset-password")
def reset_password(ctx: typer.Context, username: str) -> None:
    """Give an account a new password (printed) and end its sessions.

    Example: [bold]missionmonitor users reset-password ana[/]
    """
    from missionmonitor.portal import accounts
    from missionmonitor.portal.db import connect, session_scope

    site = settings(ctx)
    with reported(), session_scope(connect(site.app_database_url)) as db:
        password = accounts.reset_password(db, username, hashing=site.password_hashing)
    out.print(f"New password for {username}: {password}")
