"""`user add|list|disable`: the people who sign in to the web interface."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from contractvault.cli.common import JsonFlag, can_prompt, console, open_vault, print_json

ENV_USER_PASSWORD = "CONTRACTVAULT_USER_PASSWORD"
app = typer.Typer(name="user", help="Users of the web interface (roles reader, officer, admin).",
                  no_args_is_help=True)


def _password(name: str) -> str:
    """$CONTRACTVAULT_USER_PASSWORD, else asked for twice (never echoed, never logged)."""
    from contractvault.errors import UsageError

    env = os.environ.get(ENV_USER_PASSWORD)
    if env:
        return env
    if not can_prompt():
        raise UsageError(f"no password for {name}", "no terminal to ask on",
                         f"Set ${ENV_USER_PASSWORD}")
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise UsageError("the passwords differ", "", "Run the command again")
    return first


@app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name, e.g. anna.larsson.")],
    role: Annotated[str, typer.Option("--role", help="reader, officer or admin.")],
    secret_access: Annotated[bool, typer.Option("--secret-access", help="May see contracts marked secret (every view is sealed in the ledger).")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Add a local user (password from $CONTRACTVAULT_USER_PASSWORD, else asked for)."""
    from contractvault.access.users import add_user, check_role

    check_role(role)
    password = _password(name)
    with open_vault(ctx) as vault:
        user = add_user(vault, name, role, password=password, secret_access=secret_access)
    if json_out:
        print_json(user.as_dict())
    else:
        extra = " with secret access" if user.secret_access else ""
        console.print(f"Added {user.name} ({user.role}{extra})")


@app.command("list")
def user_list(ctx: typer.Context, json_out: JsonFlag = False) -> None:
    """List the users."""
    from contractvault.access.users import list_users

    with open_vault(ctx) as vault:
        users = list_users(vault)
    if json_out:
        print_json({"users": [u.as_dict() for u in users]})
        return
    if not users:
        console.print("No users. Add one with 'contractvault user add NAME --role admin'.")
        return
    from rich.table import Table

    table = Table("name", "role", "secret access", "sign-in", "last sign-in", "status")
    for u in users:
        table.add_row(u.name, u.role, "yes" if u.secret_access else "", "oidc" if u.oidc else "password",
                      u.as_dict()["last_login_at"] or "", "disabled" if u.disabled else "active")
    console.print(table)


@app.command("disable")
def user_disable(ctx: typer.Context, name: Annotated[str, typer.Argument(help="User name.")],
                 json_out: JsonFlag = False) -> None:
    """Disable a user: no more sign-ins; open sessions and the calendar feed end."""
    from contractvault.access.users import disable_user

    with open_vault(ctx) as vault:
        user = disable_user(vault, name)
    if json_out:
        print_json(user.as_dict())
    else:
        console.print(f"Disabled {user.name}")
