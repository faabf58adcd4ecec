"""The signer-authority rules (authority-format.md) and the register file they read.

Scenarios run against tests/fixtures/authority/scenarios.toml, a register modelled on
Kungsbacka's delegations (seed 001) with fictional people. Each refusal lists the reasons
it must give, one substring per reason, and gives no others: "every reason" cuts both ways.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from contractvault.authority import (
    AuthorityCheck,
    AuthorityRegister,
    AuthorityRequest,
    Fullmakt,
    RegisterInvalid,
    check_authority,
    describe_register,
    parse_register,
    register_to_toml,
)
from contractvault.errors import UsageError
from contractvault.records.vocabularies import DOC_TYPES, normalize_doc_type

FIXTURES = Path(__file__).parent / "fixtures" / "authority"
DECISION = "BN 2025-02-20 § 31, BN-2025-00044"


@pytest.fixture(scope="module")
def registers() -> dict[str, AuthorityRegister]:
    base = parse_register((FIXTURES / "scenarios.toml").read_bytes(), "scenarios.toml")
    # A register built in code is not validated on import; the check must still refuse a
    # fullmakt whose grantor's delegation (FGN-HA) has no right to grant one.
    ungranted = Fullmakt(
        id="F-BAD",
        granted_by="karin.e",
        to_person="olof.s",
        board="FGN",
        doc_types=("pub-avtal",),
        valid_from=date(2025, 2, 1),
        valid_to=date(2025, 12, 31),
    )
    unvalidated = dataclasses.replace(base, fullmakter=(*base.fullmakter, ungranted))
    return {"base": base, "unvalidated": unvalidated}


def case(
    case_id: str,
    request: dict,
    allowed: bool,
    reasons: list[str],
    chain: list[tuple[str, str]] | None = None,
    register: str = "base",
):
    """One scenario: the request, the decision, the reasons (substrings), the chain."""
    return pytest.param(register, request, allowed, reasons, chain, id=case_id)


def r(signer: str, board: str, doc_type: str, on: str, **extra) -> dict:
    return {"signer": signer, "board": board, "doc_type": doc_type, "on": on, **extra}


DELEGATE_CHAIN = [
    ("board", "BN"),
    ("delegation", "BN-PUB-KG"),
    ("position", "bitr-kd"),
    ("person", "anna.l"),
]
MARIA_BN_CHAIN = [
    ("board", "BN"),
    ("delegation", "BN-FULLMAKT"),
    ("grantor", "erik.s"),
    ("fullmakt", "F-2025-003"),
    ("person", "maria.k"),
    ("decision", DECISION),
]
MARIA = {"scope": "forvaltningsspecifik", "system": "Bygglovssystemet", "decision_ref": DECISION}
FGN_HA = {"scope": "forvaltningsspecifik", "category": "verksamhetssystem"}

SCENARIOS = [
    # --- rule 1: delegation to a position --------------------------------------------------
    case(
        "deputy-director-pub-kommungemensam-BN",
        r("anna.l", "BN", "pub-avtal", "2025-03-01", scope="kommungemensam"),
        True,
        ["holds position bitr-kd on 2025-03-01", "BN-PUB-KG (BN 2024-09-19 § 187"],
        DELEGATE_CHAIN,
    ),
    case(
        "deputy-director-pub-kommungemensam-KS",
        r("anna.l", "KS", "pub-avtal", "2025-03-01", scope="kommungemensam"),
        True,
        ["delegation KS-PUB-KG"],
        [
            ("board", "KS"),
            ("delegation", "KS-PUB-KG"),
            ("position", "bitr-kd"),
            ("person", "anna.l"),
        ],
    ),
    case(
        "deputy-director-pub-kommungemensam-FGN",
        r("anna.l", "FGN", "pub-avtal", "2025-03-01", scope="kommungemensam"),
        True,
        ["delegation FGN-PUB-KG"],
        [
            ("board", "FGN"),
            ("delegation", "FGN-PUB-KG"),
            ("position", "bitr-kd"),
            ("person", "anna.l"),
        ],
    ),
    case(
        "deputy-director-pub-forvaltningsspecifik-refused",
        r("anna.l", "BN", "pub-avtal", "2025-03-01", scope="forvaltningsspecifik"),
        False,
        [
            "delegation BN-PUB-KG covers scope kommungemensam, not forvaltningsspecifik",
            "anna.l holds no fullmakt",
        ],
    ),
    case(
        "deputy-director-without-scope-asks-for-it",
        r("anna.l", "BN", "pub-avtal", "2025-03-01"),
        False,
        [
            "BN-PUB-KG is limited to scope kommungemensam: the scope of the system must be given (--scope)",
            "anna.l holds no fullmakt",
        ],
    ),
    case(
        "delegation-not-yet-in-force",
        r("anna.l", "BN", "pub-avtal", "2024-09-30", scope="kommungemensam"),
        False,
        [
            "delegation BN-PUB-KG is not yet valid on 2024-09-30: valid from 2024-10-01",
            "anna.l holds no fullmakt",
        ],
    ),
    case(
        "delegation-first-day-in-force",
        r("anna.l", "BN", "pub-avtal", "2024-10-01", scope="kommungemensam"),
        True,
        ["BN-PUB-KG"],
        DELEGATE_CHAIN,
    ),
    case(
        "delegation-no-longer-in-force",
        r("karin.e", "FGN", "huvudavtal", "2026-01-15", value_sek=500_000, **FGN_HA),
        False,
        [
            "delegation FGN-HA is no longer valid on 2026-01-15: it expired after 2025-12-31",
            "karin.e holds no fullmakt",
        ],
    ),
    case(
        "previous-deputy-on-last-day",
        r("johan.b", "KS", "huvudavtal", "2022-12-31", scope="kommungemensam", value_sek=100_000),
        True,
        ["KS-HA-KG"],
        [
            ("board", "KS"),
            ("delegation", "KS-HA-KG"),
            ("position", "bitr-kd"),
            ("person", "johan.b"),
        ],
    ),
    case(
        "previous-deputy-left-the-day-before",
        r("johan.b", "KS", "huvudavtal", "2023-01-01", scope="kommungemensam", value_sek=100_000),
        False,
        [
            "johan.b does not hold position bitr-kd on 2023-01-01 (held 2019-03-01 to 2022-12-31)",
            "johan.b holds no fullmakt",
        ],
    ),
    case(
        "value-over-the-limit",
        r("karin.e", "FGN", "huvudavtal", "2025-03-01", value_sek=1_500_000, **FGN_HA),
        False,
        [
            "value 1500000 SEK is over the limit of 1000000 SEK of delegation FGN-HA",
            "karin.e holds no fullmakt",
        ],
    ),
    case(
        "value-at-the-limit",
        r("karin.e", "FGN", "huvudavtal", "2025-03-01", value_sek=1_000_000, **FGN_HA),
        True,
        ["FGN-HA"],
        [("board", "FGN"), ("delegation", "FGN-HA"), ("position", "fc-fg"), ("person", "karin.e")],
    ),
    case(
        "value-missing-under-a-limit",
        r("karin.e", "FGN", "huvudavtal", "2025-03-01", **FGN_HA),
        False,
        [
            "FGN-HA is limited to 1000000 SEK: the value of the contract must be given (--value)",
            "karin.e holds no fullmakt",
        ],
    ),
    case(
        "category-not-covered",
        r(
            "karin.e",
            "FGN",
            "huvudavtal",
            "2025-03-01",
            scope="forvaltningsspecifik",
            category="plattform",
            value_sek=10_000,
        ),
        False,
        [
            "FGN-HA covers categories digitalt-verktyg, verksamhetssystem, not plattform",
            "karin.e holds no fullmakt",
        ],
    ),
    case(
        "category-missing",
        r(
            "karin.e",
            "FGN",
            "huvudavtal",
            "2025-03-01",
            scope="forvaltningsspecifik",
            value_sek=10_000,
        ),
        False,
        [
            "FGN-HA is limited to categories digitalt-verktyg, verksamhetssystem: "
            "the category of the system must be given (--category)",
            "karin.e holds no fullmakt",
        ],
    ),
    case(
        "several-delegation-failures-all-listed",
        r(
            "karin.e",
            "FGN",
            "huvudavtal",
            "2026-02-01",
            scope="kommungemensam",
            category="plattform",
            value_sek=2_000_000,
        ),
        False,
        [
            "FGN-HA is no longer valid on 2026-02-01",
            "FGN-HA covers scope forvaltningsspecifik, not kommungemensam",
            "FGN-HA covers categories digitalt-verktyg, verksamhetssystem, not plattform",
            "value 2000000 SEK is over the limit of 1000000 SEK",
            "karin.e holds no fullmakt",
        ],
    ),
    case(
        "doc-type-not-delegated",
        r("anna.l", "KS", "model-contract-clauses", "2025-03-01", scope="kommungemensam"),
        False,
        [
            "delegation KS-PUB-KG covers pub-avtal, not scc",
            "delegation KS-HA-KG covers huvudavtal, tillagg, not scc",
            "anna.l holds no fullmakt",
        ],
    ),
    case(
        "delegation-that-cannot-sign",
        r("erik.s", "BN", "pub-avtal", "2025-03-01", scope="forvaltningsspecifik"),
        False,
        [
            "delegation BN-FULLMAKT does not give the right to sign (signs = false)",
            "erik.s holds no fullmakt",
        ],
    ),
    case(
        "delegation-from-another-board",
        r("sara.d", "BN", "pub-avtal", "2025-03-01", scope="kommungemensam"),
        False,
        [
            "no delegation from board BN to a position sara.d holds or has held (vc-dc)",
            "from other boards: KS-IT-INFRA (board KS)",
            "sara.d holds no fullmakt",
        ],
    ),
    case(
        "it-infrastructure-any-scope",
        r("sara.d", "KS", "sla", "2025-03-01", category="it-infrastruktur", value_sek=1_900_000),
        True,
        ["KS-IT-INFRA"],
        [
            ("board", "KS"),
            ("delegation", "KS-IT-INFRA"),
            ("position", "vc-dc"),
            ("person", "sara.d"),
        ],
    ),
    case(
        "service-support-process-any-scope",
        r("lena.h", "NS", "pub-avtal", "2025-03-01"),
        True,
        ["NS-PUB-STOD"],
        [
            ("board", "NS"),
            ("delegation", "NS-PUB-STOD"),
            ("position", "fc-service"),
            ("person", "lena.h"),
        ],
    ),
    # --- rule 2: fullmakt ------------------------------------------------------------------
    case(
        "fullmakt-shared-system-with-decision",
        r("maria.k", "BN", "pub-avtal", "2025-03-01", **MARIA),
        True,
        ["holds fullmakt F-2025-003 from board BN", DECISION],
        MARIA_BN_CHAIN,
    ),
    case(
        "fullmakt-second-board-of-shared-system",
        r("maria.k", "MHN", "pub-avtal", "2025-03-01", **MARIA),
        True,
        ["F-2025-004"],
        [
            ("board", "MHN"),
            ("delegation", "MHN-FULLMAKT"),
            ("grantor", "erik.s"),
            ("fullmakt", "F-2025-004"),
            ("person", "maria.k"),
            ("decision", DECISION),
        ],
    ),
    case(
        "fullmakt-without-decision-reference",
        r(
            "maria.k",
            "BN",
            "pub-avtal",
            "2025-03-01",
            scope="forvaltningsspecifik",
            system="Bygglovssystemet",
        ),
        False,
        [
            "maria.k holds no position",
            "fullmakt F-2025-003 gives the right to sign, not to decide: "
            "the decision on the matter (the board's or a delegate's) must be given (--decision REF)",
        ],
    ),
    case(
        "fullmakt-after-its-end-date",
        r("maria.k", "BN", "pub-avtal", "2026-01-10", **MARIA),
        False,
        [
            "maria.k holds no position",
            "fullmakt F-2025-003 is no longer valid on 2026-01-10: it expired after 2025-12-31",
        ],
    ),
    case(
        "fullmakt-before-its-start",
        r("maria.k", "BN", "pub-avtal", "2025-01-15", **MARIA),
        False,
        [
            "maria.k holds no position",
            "fullmakt F-2025-003 is not yet valid on 2025-01-15: valid from 2025-02-01",
        ],
    ),
    case(
        "fullmakt-for-another-board",
        r("maria.k", "KS", "pub-avtal", "2025-03-01", **MARIA),
        False,
        [
            "maria.k holds no position",
            "fullmakt F-2025-003 is for board BN, not KS",
            "fullmakt F-2025-004 is for board MHN, not KS",
        ],
    ),
    case(
        "fullmakt-for-another-system",
        r(
            "maria.k",
            "BN",
            "pub-avtal",
            "2025-03-01",
            scope="forvaltningsspecifik",
            system="Ärendesystemet",
            decision_ref=DECISION,
        ),
        False,
        [
            "maria.k holds no position",
            "fullmakt F-2025-003 is for system 'Bygglovssystemet', not 'Ärendesystemet'",
        ],
    ),
    case(
        "fullmakt-system-not-given",
        r(
            "maria.k",
            "BN",
            "pub-avtal",
            "2025-03-01",
            scope="forvaltningsspecifik",
            decision_ref=DECISION,
        ),
        False,
        [
            "maria.k holds no position",
            "fullmakt F-2025-003 is limited to system 'Bygglovssystemet': the system must be given (--system)",
        ],
    ),
    case(
        "fullmakt-for-another-doc-type",
        r("maria.k", "BN", "huvudavtal", "2025-03-01", **MARIA),
        False,
        ["maria.k holds no position", "fullmakt F-2025-003 covers pub-avtal, not huvudavtal"],
    ),
    case(
        "fullmakt-for-kommungemensam-system",
        r(
            "maria.k",
            "BN",
            "pub-avtal",
            "2025-03-01",
            scope="kommungemensam",
            system="Bygglovssystemet",
            decision_ref=DECISION,
        ),
        False,
        [
            "maria.k holds no position",
            "fullmakt F-2025-003 was granted by someone without the right for scope kommungemensam: "
            "on 2025-02-01 erik.s could grant fullmakt only for scope forvaltningsspecifik",
        ],
    ),
    case(
        "fullmakt-scope-not-given",
        r(
            "maria.k",
            "BN",
            "pub-avtal",
            "2025-03-01",
            system="Bygglovssystemet",
            decision_ref=DECISION,
        ),
        False,
        [
            "maria.k holds no position",
            "the right of erik.s to grant fullmakt F-2025-003 is limited to scope forvaltningsspecifik: "
            "the scope of the system must be given (--scope)",
        ],
    ),
    case(
        "fullmakt-several-failures-all-listed",
        r(
            "maria.k",
            "BN",
            "pub-avtal",
            "2026-01-10",
            scope="forvaltningsspecifik",
            system="Ärendesystemet",
        ),
        False,
        [
            "maria.k holds no position",
            "F-2025-003 is no longer valid on 2026-01-10",
            "F-2025-003 is for system 'Bygglovssystemet', not 'Ärendesystemet'",
            "F-2025-003 gives the right to sign, not to decide",
        ],
    ),
    case(
        "fullmakt-outlives-grantor-leaving",
        r("maria.k", "BN", "pub-avtal", "2025-06-01", **MARIA),
        True,
        ["granted by erik.s under delegation BN-FULLMAKT"],
        MARIA_BN_CHAIN,
    ),
    case(
        "fullmakt-without-system-covers-any-system",
        r(
            "olof.s",
            "BN",
            "pub-avtal",
            "2025-07-01",
            scope="forvaltningsspecifik",
            system="Ärendesystemet",
            decision_ref=DECISION,
        ),
        True,
        ["F-2025-020"],
        [
            ("board", "BN"),
            ("delegation", "BN-FULLMAKT"),
            ("grantor", "eva.n"),
            ("fullmakt", "F-2025-020"),
            ("person", "olof.s"),
            ("decision", DECISION),
        ],
    ),
    case(
        "fullmakt-granted-by-someone-without-the-right",
        r(
            "olof.s",
            "FGN",
            "pub-avtal",
            "2025-03-01",
            scope="forvaltningsspecifik",
            decision_ref=DECISION,
        ),
        False,
        [
            "olof.s holds no position",
            "fullmakt F-BAD was granted by someone without the right: granted by karin.e, who on "
            "2025-02-01 (the grant date) held fc-fg but no delegation from board FGN in force that "
            "day with may_grant_fullmakt = true covering pub-avtal",
        ],
        register="unvalidated",
    ),
    # --- unknown ids, nothing at all ---------------------------------------------------------
    case(
        "unknown-person",
        r("nobody", "BN", "pub-avtal", "2025-03-01", scope="kommungemensam"),
        False,
        ["no person 'nobody' in the authority register"],
    ),
    case(
        "unknown-board",
        r("anna.l", "XYZ", "pub-avtal", "2025-03-01", scope="kommungemensam"),
        False,
        ["no board 'XYZ' in the authority register"],
    ),
    case(
        "unknown-person-and-board",
        r("nobody", "XYZ", "pub-avtal", "2025-03-01"),
        False,
        ["no person 'nobody'", "no board 'XYZ'"],
    ),
    case(
        "person-without-position-or-fullmakt",
        r("nils.o", "BN", "pub-avtal", "2025-03-01", scope="kommungemensam"),
        False,
        ["nils.o holds no position, so no delegation applies", "nils.o holds no fullmakt"],
    ),
    # --- aliases and Swedish spellings ---------------------------------------------------------
    case(
        "alias-dpa",
        r("anna.l", "BN", "dpa", "2025-03-01", scope="kommungemensam"),
        True,
        ["signing pub-avtal"],
        DELEGATE_CHAIN,
    ),
    case(
        "alias-data-processing-agreement-swedish-scope-case-of-system",
        r(
            "maria.k",
            "BN",
            "data-processing-agreement",
            "2025-03-01",
            scope="Förvaltningsspecifik",
            system="bygglovssystemet",
            decision_ref=DECISION,
        ),
        True,
        ["F-2025-003"],
        MARIA_BN_CHAIN,
    ),
    case(
        "alias-enterprise-agreement",
        r(
            "karin.e",
            "FGN",
            "enterprise-agreement",
            "2025-03-01",
            value_sek=900_000,
            scope="forvaltningsspecifik",
            category="Verksamhetssystem",
        ),
        True,
        ["signing huvudavtal"],
        [("board", "FGN"), ("delegation", "FGN-HA"), ("position", "fc-fg"), ("person", "karin.e")],
    ),
    case(
        "alias-amendment",
        r("anna.l", "KS", "amendment", "2025-03-01", scope="kommungemensam", value_sek=4_000_000),
        True,
        ["signing tillagg"],
        [
            ("board", "KS"),
            ("delegation", "KS-HA-KG"),
            ("position", "bitr-kd"),
            ("person", "anna.l"),
        ],
    ),
]


@pytest.mark.parametrize(("register", "request_fields", "allowed", "reasons", "chain"), SCENARIOS)
def test_authority_scenario(registers, register, request_fields, allowed, reasons, chain):
    fields = dict(request_fields)
    fields["on"] = date.fromisoformat(fields["on"])
    reg = registers[register]
    check = check_authority(reg, AuthorityRequest(**fields))

    assert check.allowed is allowed, check.reasons
    if allowed:
        assert len(check.reasons) == 1, check.reasons  # the basis, one sentence
        for expected in reasons:
            assert expected in check.reasons[0], (expected, check.reasons)
        assert [(link["kind"], link["id"]) for link in check.chain] == chain
    else:
        # Every expected reason is there, and there is no reason we did not expect.
        unmatched = list(check.reasons)
        for expected in reasons:
            hit = next((given for given in unmatched if expected in given), None)
            assert hit is not None, (expected, check.reasons)
            unmatched.remove(hit)
        assert not unmatched, f"unexpected reasons: {unmatched}"
    assert check.register_sha256 == reg.sha256
    assert check.request.doc_type in DOC_TYPES
    json.dumps(check.to_dict())  # the CLI prints it with --json


def test_allowed_chain_names_decision_refs_and_dates(registers):
    check = check_authority(
        registers["base"],
        AuthorityRequest("maria.k", "BN", "dpa", date(2025, 3, 1), **MARIA),
    )
    assert check.allowed
    links = {link["kind"]: link for link in check.chain}
    assert links["delegation"]["decision_ref"] == "BN 2024-09-19 § 187, BN-2024-00241"
    assert links["grantor"]["position"] == "fc-bmf"
    assert links["grantor"]["on"] == "2025-02-01"
    assert links["fullmakt"]["ref"] == "BMF-2025-00017"
    assert links["fullmakt"]["valid_to"] == "2025-12-31"
    assert links["decision"]["decision_ref"] == DECISION


def test_refusal_keeps_the_closest_partial_chain(registers):
    check = check_authority(
        registers["base"],
        AuthorityRequest("maria.k", "BN", "pub-avtal", date(2026, 1, 10), **MARIA),
    )
    assert not check.allowed
    assert [link["kind"] for link in check.chain][:5] == [
        "board",
        "delegation",
        "grantor",
        "fullmakt",
        "person",
    ]


def test_to_dict_is_the_cli_json_shape(registers):
    check = check_authority(
        registers["base"],
        AuthorityRequest("anna.l", "BN", "dpa", date(2025, 3, 1), scope="kommungemensam"),
    )
    data = json.loads(json.dumps(check.to_dict()))
    assert set(data) == {"allowed", "chain", "reasons", "register_sha256", "request"}
    assert data["allowed"] is True
    assert data["request"]["on"] == "2025-03-01"
    assert data["request"]["doc_type"] == "pub-avtal"
    assert (
        data["register_sha256"]
        == hashlib.sha256((FIXTURES / "scenarios.toml").read_bytes()).hexdigest()
    )
    assert isinstance(check, AuthorityCheck)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doc_type", "contract"),
        ("scope", "kommunal"),
        ("category", "molntjanst"),
        ("value_sek", -1),
    ],
)
def test_invalid_request_values_are_usage_errors(registers, field, value):
    fields = {
        "signer": "anna.l",
        "board": "BN",
        "doc_type": "pub-avtal",
        "on": date(2025, 3, 1),
        field: value,
    }
    with pytest.raises(UsageError) as caught:
        check_authority(registers["base"], AuthorityRequest(**fields))
    assert caught.value.exit_code == 2


# --------------------------------------------------------------------------- doc types


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("enterprise-agreement", "huvudavtal"),
        ("dpa", "pub-avtal"),
        ("data-processing-agreement", "pub-avtal"),
        ("model-contract-clauses", "scc"),
        ("standard-contractual-clauses", "scc"),
        ("amendment", "tillagg"),
        ("annex", "bilaga"),
        ("power-of-attorney", "fullmakt"),
        ("terms", "villkor"),
        ("PUB-avtal", "pub-avtal"),
        ("tillägg", "tillagg"),
        ("övrigt", "ovrigt"),
        ("sla", "sla"),
    ],
)
def test_doc_type_aliases(alias, canonical):
    assert normalize_doc_type(alias) == canonical


def test_unknown_doc_type_lists_the_valid_ones():
    with pytest.raises(UsageError) as caught:
        normalize_doc_type("contract")
    assert "'contract'" in caught.value.message
    for doc_type in DOC_TYPES:
        assert doc_type in caught.value.message


# --------------------------------------------------------------------------- import errors


def expected_problems(path: Path) -> list[tuple[int, str]]:
    """(line, message substring) for every line annotated `# expect: ...` in a fixture."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.search(r"#\s*expect:\s*(.+?)\s*$", line)
        if match:
            found.append((number, match.group(1)))
    return found


@pytest.mark.parametrize("name", ["several-problems.toml", "bad-grants.toml", "syntax-error.toml"])
def test_every_problem_is_reported_with_its_line(name):
    path = FIXTURES / name
    expected = expected_problems(path)
    assert expected, "fixture without expectations"
    with pytest.raises(RegisterInvalid) as caught:
        parse_register(path.read_bytes(), name)
    problems = caught.value.problems
    got = [(p.line, p.message) for p in problems]
    for line, text in expected:
        assert any(pl == line and text in message for pl, message in got), (line, text, got)
    assert len(problems) == len(expected), "\n".join(str(p) for p in problems)
    # The CLI shows "FILE:LINE: where: message", and the exception says how many there are.
    assert str(problems[0]).startswith(f"{name}:{expected[0][0]}: ")
    count = len(expected)
    assert f"{count} problem{'s' if count > 1 else ''}" in caught.value.message
    assert caught.value.exit_code == 2
    assert caught.value.report().count("\n") == count - 1


def test_problem_names_the_entry():
    with pytest.raises(RegisterInvalid) as caught:
        parse_register((FIXTURES / "bad-grants.toml").read_bytes(), "bad-grants.toml")
    where = {p.where for p in caught.value.problems}
    assert where == {
        "[[fullmakt]] F-BEFORE-DELEGATION",
        "[[fullmakt]] F-WRONG-TYPE",
        "[[fullmakt]] F-NO-GRANT-RIGHT",
        "[[fullmakt]] F-NOT-YET-HOLDING",
    }


def test_missing_municipality_and_non_utf8_are_reported():
    with pytest.raises(RegisterInvalid) as caught:
        parse_register(b'[[board]]\nid = "BN"\nname = "Byggn\xe4mnden"\n', "latin1.toml")
    assert caught.value.problems[0].line == 3
    assert "UTF-8" in caught.value.problems[0].message
    with pytest.raises(RegisterInvalid) as caught:
        parse_register(b'[[board]]\nid = "BN"\nname = "BN"\n', "nomuni.toml")
    assert ["missing section [municipality]" in p.message for p in caught.value.problems] == [True]


# --------------------------------------------------------------------------- the shipped example


def example_bytes() -> bytes:
    return resources.files("contractvault").joinpath("data/authority-example.toml").read_bytes()


def test_example_register_parses_and_follows_kungsbacka():
    reg = parse_register(example_bytes(), "authority-example.toml")
    assert reg.municipality == "Kungsbacka kommun"
    boards = {b.id for b in reg.boards}
    assert {"KS", "NS", "BN", "FGN", "SN"} <= boards
    # Every board delegates PUB-avtal for kommungemensamma systems to the deputy director.
    for board in boards:
        check = check_authority(
            reg, AuthorityRequest("anna.l", board, "dpa", date(2025, 3, 1), scope="kommungemensam")
        )
        assert check.allowed, (board, check.reasons)
        assert check.chain[2]["id"] == "bitr-kd"
    assert any(d.may_grant_fullmakt for d in reg.delegations)
    assert any(d.max_value_sek for d in reg.delegations)
    assert all(f.system for f in reg.fullmakter)
    assert all("§" in d.decision_ref for d in reg.delegations)


@pytest.mark.parametrize("source", ["example", "scenarios"])
def test_register_to_toml_round_trips(source):
    data = example_bytes() if source == "example" else (FIXTURES / "scenarios.toml").read_bytes()
    reg = parse_register(data)
    exported = register_to_toml(reg)
    again = parse_register(exported.encode("utf-8"), "exported.toml")
    assert again == reg
    assert again.sha256 != reg.sha256  # another file, another version
    assert register_to_toml(again).split("\n", 2)[2] == exported.split("\n", 2)[2]


def test_round_trip_keeps_awkward_strings():
    reg = parse_register((FIXTURES / "scenarios.toml").read_bytes())
    odd = dataclasses.replace(
        reg.fullmakter[0],
        system='System "Bygg\\lov"\tv2',
        ref="Rad ett\nrad två",
        note="åäö ÅÄÖ é \u0001",
    )
    reg = dataclasses.replace(reg, fullmakter=(odd, *reg.fullmakter[1:]))
    assert parse_register(register_to_toml(reg).encode()) == reg


def test_register_sha256_is_the_sha_of_the_file_bytes():
    data = (FIXTURES / "scenarios.toml").read_bytes()
    reg = parse_register(data)
    assert reg.sha256 == hashlib.sha256(data).hexdigest()
    assert reg.source_text == data.decode("utf-8")
    # A comment changes the version but not the content.
    edited = parse_register(data + b"\n# reviewed 2025-03-01\n")
    assert edited.sha256 == hashlib.sha256(data + b"\n# reviewed 2025-03-01\n").hexdigest()
    assert edited.sha256 != reg.sha256
    assert edited == reg


def test_describe_register_lists_everything_as_json():
    reg = parse_register(example_bytes())
    listing = json.loads(json.dumps(describe_register(reg)))
    assert listing["sha256"] == reg.sha256
    assert listing["counts"] == {
        "boards": len(reg.boards),
        "positions": len(reg.positions),
        "persons": len(reg.persons),
        "delegations": len(reg.delegations),
        "fullmakter": len(reg.fullmakter),
    }
    fullmakt = next(f for f in listing["fullmakter"] if f["id"] == "F-2025-003")
    assert fullmakt["granted_by"] == "erik.s"
    assert fullmakt["valid_from"] == "2025-02-01"
    person = next(p for p in listing["persons"] if p["id"] == "anna.l")
    assert person["holds"] == [{"position": "bitr-kd", "from": "2023-01-01", "to": None}]
