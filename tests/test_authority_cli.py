"""The delegation register through the CLI: versions, all problems at once, checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).parent / "fixtures" / "authority"
EXAMPLE = Path(__file__).resolve().parents[1] / "contractvault" / "data" / "authority-example.toml"


def expected_problem_lines(path: Path) -> set[int]:
    """Lines a fixture marks with `# expect:` comments."""
    return {n for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
            if "# expect:" in line}


def test_failed_import_reports_every_problem_with_its_line_and_changes_nothing(cli, initialised: Path) -> None:
    assert cli("authority", "import", str(EXAMPLE)).exit_code == 0
    bad = FIXTURES / "several-problems.toml"
    result = cli("authority", "import", str(bad))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    reported = {int(m) for m in re.findall(r"several-problems\.toml:(\d+):", result.stderr)}
    assert reported == expected_problem_lines(bad)
    versions = cli.json("authority", "show", "--versions")["versions"]
    assert len(versions) == 1 and versions[0]["source"] == EXAMPLE.name


def test_versions_are_kept_and_checks_name_the_version_they_used(cli, initialised: Path, tmp_path: Path) -> None:
    first = cli.json("authority", "import", str(EXAMPLE))
    check1 = cli.json("authority", "check", "--signer", "anna.l", "--board", "BN",
                      "--doc-type", "dpa", "--scope", "kommungemensam", "--date", "2025-03-01")
    assert check1["allowed"] is True and check1["register_sha256"] == first["sha256"]
    # The register written back as TOML imports again as a new version.
    changed = tmp_path / "register-2.toml"
    exported = cli("authority", "export")
    assert exported.exit_code == 0
    changed.write_text(exported.stdout + "\n# version 2\n", "utf-8")
    second = cli.json("authority", "import", str(changed))
    assert second["version"] == first["version"] + 1 and second["sha256"] != first["sha256"]
    check2 = cli.json("authority", "check", "--signer", "anna.l", "--board", "BN",
                      "--doc-type", "pub-avtal", "--scope", "kommungemensam", "--date", "2025-03-01")
    assert check2["register_sha256"] == second["sha256"]
    old = cli.json("authority", "show", "--version", str(first["version"]))
    assert old["sha256"] == first["sha256"]


def test_refused_check_exits_3_with_every_reason(cli, initialised: Path) -> None:
    cli("authority", "import", str(EXAMPLE))
    result = cli("authority", "check", "--signer", "nobody", "--board", "XX", "--doc-type",
                 "pub-avtal", "--json")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["allowed"] is False
    text = " ".join(data["reasons"])
    assert "nobody" in text and "XX" in text


def test_check_without_a_register_says_how_to_import_one(cli, initialised: Path) -> None:
    result = cli("authority", "check", "--signer", "anna.l", "--board", "KS", "--doc-type", "dpa")
    assert result.exit_code == 5
    assert "authority import" in result.stderr
