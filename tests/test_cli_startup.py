"""Issue 13: a cold `contractvault search` and `--help` load only what they need.

What a fresh process imported is read from its own ``sys.modules`` when it exits (no
timing here: bench/bench_search_speed.py --cli-only measures the wall time). The plain
values our command line converts without Pydantic must come out exactly as Typer's own
conversion makes them, errors included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main

from tests.support.procs import cv_env

# Prints, as the process ends, which of the given module families it imported.
PROBE = (
    "import atexit, json, sys\n"
    "heavy = json.loads(sys.argv.pop(1))\n"
    "atexit.register(lambda: sys.stderr.write('\\nIMPORTED ' + json.dumps(sorted("
    "{h for h in heavy for m in list(sys.modules) if m == h or m.startswith(h + '.')})) + '\\n'))\n"
    "from contractvault.cli import main\n"
    "sys.argv = ['contractvault', *sys.argv[1:]]\n"
    "main()\n"
)
# Neither the database layer nor the models (which import it), nor Pydantic (Typer's
# converter, and SQLModel's base) belong in a search or in the help.
DB_AND_MODELS = ["sqlalchemy", "sqlmodel", "pydantic", "pydantic_core", "contractvault.models",
                 "contractvault.vault"]


def imported(env: dict[str, str], *args: str, heavy: list[str]) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the command line in a fresh process; its result and which of ``heavy`` it loaded."""
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(heavy), *args],
                          env=cv_env(env), capture_output=True, text=True, timeout=120)
    marker = [ln for ln in done.stderr.splitlines() if ln.startswith("IMPORTED ")]
    assert marker, done.stderr
    return done, json.loads(marker[-1].removeprefix("IMPORTED "))


@pytest.fixture
def archive(cli, env, initialised: Path, tmp_path: Path) -> str:
    """A vault with one indexed document; its id."""
    if "CONTRACTVAULT_DB_URL" in env:
        pytest.skip("a vault with an external database is searched through the database")
    doc = tmp_path / "avtal.txt"
    doc.write_text("1. Uppsägning\n1.1 Avtalet kan sägas upp med tre månaders "
                   "uppsägningstid.\n", encoding="utf-8")
    return cli.json("add", str(doc), "--new", "Molnia", "--doc-type", "pub-avtal")["document_ids"][0]


def test_search_and_help_load_no_database_layer_models_or_pydantic(env, archive, initialised) -> None:
    for args in (["search", "uppsägning"], ["search", "uppsägning", "--json", "--limit", "5"],
                 ["--vault", str(initialised), "search", "uppsägning", "--supplier", "Molnia"],
                 ["--help"], ["search", "--help"], []):
        done, loaded = imported(env, *args, heavy=DB_AND_MODELS)
        assert done.returncode == 0, (args, done.stderr)
        assert loaded == [], (args, loaded)
    # A --json answer is written without rich; a person's answer with it.
    done, loaded = imported(env, "search", "uppsägning", "--json", heavy=["rich"])
    assert [h["document_id"] for h in json.loads(done.stdout)["hits"]] == [archive]
    assert loaded == []
    done, loaded = imported(env, "search", "uppsägning", heavy=["rich"])
    assert archive in done.stdout and loaded == ["rich"]


def test_a_bad_number_is_still_typers_usage_error(env, archive) -> None:
    done, loaded = imported(env, "search", "uppsägning", "--limit", "tio", heavy=["pydantic"])
    assert done.returncode == 2
    assert ("contractvault: Invalid value for '--limit': Input should be a valid integer, "
            "unable to parse string as an integer (see 'contractvault search --help')") in done.stderr
    assert loaded == ["pydantic"], "a value that is not plain goes to Typer's own converter"


def _command() -> typer.core.TyperCommand:
    """Options of one command, one per kind of plain value, as Typer makes them."""
    demo = typer.Typer()

    @demo.command()
    def kinds(text: str = "", whole: int = 0, decimal: float = 0.0, path: Path = Path("x"),
              texts: list[str] | None = None, paths: list[Path] | None = None,
              existing: Path = typer.Option(Path(), exists=True, dir_okay=False),
              ranged: int = typer.Option(1, min=1, max=3)) -> None:
        """Every kind of value."""

    return typer.main.get_command(demo)


VALUES = {
    "text": ["avtal", "", " två ord ", "-", "«ä»"],
    "whole": ["10", "010", "-0", "+5", " 7", "1_000", "0x10", "tio", "", "١٠", 10, "9" * 30],
    "decimal": ["1.5", "0.1", "-3", "1e3", "nan", "", "1,5", 2.5],
    "path": ["a/b", "a//b", "./a", "-", "", " x", "~/x", "/tmp"],
    "texts": [("a", "b"), ["x"], ()],
    "paths": [("a", "b//c"), ["-"]],
    "existing": ["/nonexistent/file", "/tmp", __file__, "tests//../tests"],
    "ranged": ["2", "0", "4", 2],
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_plain_values_come_out_as_typers_own_conversion_makes_them(name: str) -> None:
    from typer._coercion import build_runtime_param

    from contractvault.cli.coercion import plain_values_first

    command = _command()
    (param,) = (p for p in command.params if p.name == name)
    ctx = typer.Context(command)
    typers = build_runtime_param(param.type_descriptor)
    for value in VALUES[name]:
        param._runtime_param = None
        plain_values_first([], param)
        assert type(param._runtime_param).__name__ == "PlainFirst"

        def convert(runtime: object, value: object = value) -> tuple[str, object]:
            try:
                return "ok", runtime.coerce(value, param=param, ctx=ctx)
            except typer.BadParameter as exc:
                return "error", exc.format_message()

        theirs = convert(typers)
        ours = convert(param._runtime_param)
        # repr: nan is not equal to itself; PosixPath and str differ in it
        assert repr(ours) == repr(theirs), (name, value)


def test_the_table_of_commands_names_what_each_module_declares() -> None:
    from contractvault.cli.app import COMMANDS, command_module

    modules = sorted(p.stem for p in (Path(__file__).parents[1] / "contractvault" / "cli").glob("*.py")
                     if "\napp = typer.Typer(" in p.read_text("utf-8") and p.stem != "app")
    assert sorted(COMMANDS) == modules, "a command module is missing from COMMANDS"
    for module, names in COMMANDS.items():
        assert tuple(command_module(module)) == names, module


def test_search_builds_only_its_own_module_and_help_lists_them_all(env) -> None:
    cli = [f"contractvault.cli.{m}" for m in ("vault", "records", "capture", "key", "export",
                                              "followup", "authority", "serve")]
    done, loaded = imported(env, "search", "uppsägning", heavy=cli)
    assert loaded == [], loaded
    done, loaded = imported({**env, "COLUMNS": "200"}, "--help", heavy=cli)
    assert done.returncode == 0 and loaded == sorted(cli)
    from contractvault.cli.app import COMMANDS

    # "│ name   summary", not "│ --option" nor a summary's second line "│      more"
    listed = [line.split()[1] for line in done.stdout.splitlines()
              if line.startswith("│ ") and line[2] not in " -"]
    assert listed == [name for names in COMMANDS.values() for name in names]


def test_what_a_person_typed_is_printed_as_typed(env, archive) -> None:
    done, loaded = imported(env, "search", "uppsägning:ok: :fire:", heavy=["rich._emoji_codes"])
    assert done.returncode == 0, done.stderr
    assert "«uppsägning:ok: :fire:»" in done.stdout and "🆗" not in done.stdout, done.stdout
    assert loaded == [], "no emoji table is needed to print a search"


@pytest.mark.parametrize("columns", ["60", "200"])
def test_the_help_from_summaries_is_the_help_of_the_commands_themselves(env, columns) -> None:
    """The root's help lists stand-ins (no command built); it must read exactly as when
    every command is built, as `contractvault` did before commands were made lazily."""
    import importlib

    from typer.testing import CliRunner

    from contractvault.cli.app import COMMANDS, app

    built = typer.Typer(no_args_is_help=True, add_completion=False, help=app.info.help)
    built.callback()(app.registered_callback.callback)
    for module in COMMANDS:
        built.add_typer(importlib.import_module(f"contractvault.cli.{module}").app)
    runner = CliRunner()
    theirs = runner.invoke(built, ["--help"], prog_name="contractvault", env={"COLUMNS": columns})
    ours = runner.invoke(app, ["--help"], prog_name="contractvault", env={"COLUMNS": columns})
    assert theirs.exit_code == ours.exit_code == 0
    assert ours.stdout == theirs.stdout
    assert "│ search " in ours.stdout and "│ export " in ours.stdout
