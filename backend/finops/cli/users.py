"""``finops users`` (local users: create, list, disable, set-role, reset-password) and
``finops tokens`` (personal API tokens for automation: create, list, revoke). Every change is
audited; generated passwords and new tokens are printed once."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from finops.cli.common import markdown_job

users_app = typer.Typer(help="Manage the users who may log in.", no_args_is_help=True)
tokens_app = typer.Typer(help="Manage personal API tokens for automation.", no_args_is_help=True)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="read the password from stdin; default: generate one, shown once"
    ),
]


def _stdin_password(enabled: bool) -> str | None:
    return sys.stdin.readline().rstrip("\n") if enabled else None


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="unique, in any case")],
    role: Annotated[str, typer.Option(help="viewer | analyst | approver | admin")] = "viewer",
    display_name: Annotated[str, typer.Option(help="shown in the dashboard")] = "",
    email: Annotated[str | None, typer.Option()] = None,
    account: Annotated[
        list[str] | None, typer.Option(help="limit to this account id; repeatable")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option(help="limit to KEY=VALUE (team=data); repeatable")
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a local user with a role and, optionally, a team scope."""
    from finops.auth import manage

    password = _stdin_password(password_stdin)
    markdown_job(
        lambda: manage.add_user(
            username=username,
            role=role,
            display_name=display_name,
            email=email,
            password=password,
            scope=manage.parse_scope(account or [], tag or []),
        )
    )


@users_app.command("list")
def users_list() -> None:
    """Every user with role, scope, state and last login."""
    from finops.auth import manage

    markdown_job(manage.show_users)


@users_app.command("disable")
def users_disable(
    username: str,
    enable: Annotated[bool, typer.Option("--enable", help="enable the user again")] = False,
) -> None:
    """Disable a user (their sessions and tokens stop working at once), or enable them."""
    from finops.auth import manage

    markdown_job(lambda: manage.change_user(username=username, disabled=not enable))


@users_app.command("set-role")
def users_set_role(
    username: str,
    role: Annotated[str, typer.Argument(help="viewer | analyst | approver | admin")],
) -> None:
    """Give a user another role."""
    from finops.auth import manage

    markdown_job(lambda: manage.change_user(username=username, role=role))


@users_app.command("reset-password")
def users_reset_password(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set a new password, lift a lockout and end the user's sessions."""
    from finops.auth import manage

    password = _stdin_password(password_stdin)
    markdown_job(lambda: manage.reset_password(username=username, password=password))


@tokens_app.command("create")
def tokens_create(
    username: Annotated[str, typer.Argument(help="the token acts as this user")],
    name: Annotated[str, typer.Option(help="what the token is for (unique per user)")],
    days: Annotated[int, typer.Option(min=1, max=366, help="days until it expires")] = 90,
    account: Annotated[
        list[str] | None, typer.Option(help="narrow to this account id; repeatable")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option(help="narrow to KEY=VALUE; repeatable")] = None,
) -> None:
    """Create an API token (printed once; send it as `Authorization: Bearer …`)."""
    from finops.auth import manage

    narrowed = bool(account or tag)
    markdown_job(
        lambda: manage.add_token(
            username=username,
            name=name,
            days=days,
            scope=manage.parse_scope(account or [], tag or []) if narrowed else None,
        )
    )


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option(help="only this user's tokens")] = None,
) -> None:
    """API tokens with their prefix, expiry, revocation and last use (never the secret)."""
    from finops.auth import manage

    markdown_job(lambda: manage.show_tokens(username=user))


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="from `finops tokens list`")],
) -> None:
    """Revoke an API token."""
    from finops.auth import manage

    markdown_job(lambda: manage.withdraw_token(token_id=token_id))
