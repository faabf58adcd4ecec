"""`capture` and `recheck` through the CLI on pages like real ones: the index holds the
agreement and not the stamp, banners or buttons; published pages; the README's example
with the shipped register; recheck that adds nothing when nothing changed and reports
formatting-only changes, one changed clause, and rows added to a list."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from capture.localserver import serve
from contractvault.evidence.textdiff import compare
from contractvault.models import Document, Evidence
from contractvault.vault import Vault

PAGES = Path(__file__).parent / "fixtures" / "features"
REGISTER = Path(__file__).resolve().parents[1] / "contractvault" / "data" / "authority-example.toml"

@pytest.fixture
def site():
    with serve(PAGES) as s:
        yield s


def _docs(vault_path: Path) -> list[Document]:
    with Vault.open(vault_path) as vault, vault.session() as s:
        return list(s.exec(select(Document)))


# -- the comparison (no browser) -------------------------------------------------------------
DPA = """Data Processing Addendum
Last updated: 1 March 2024
1. Definitions
Customer means the entity that accepted these terms.
2. Processing
2.1 The processor shall process personal data only on documented instructions.
2.2 The processor shall notify the customer within 72 hours of a personal data breach.
3. Sub-processors
The current sub-processors are listed below.
Nordic Hosting AB\tSweden\tHosting
Mail Relay GmbH\tGermany\tE-mail delivery
"""


def test_formatting_only_is_no_change():
    # An ordered list now numbers the clauses, headings are upper-cased by CSS, the lines
    # are joined differently: the same words in the same order.
    reformatted = re.sub(r"^\d+(\.\d+)*\.? ", "", DPA, flags=re.M).replace("Processing\n", "PROCESSING\n\n")
    result = compare(DPA, reformatted)
    assert (result.text_changed, result.formatting_only, result.changes) == (False, True, [])


def test_one_changed_clause_is_reported_alone_with_its_words():
    changed = DPA.replace("within 72 hours", "without undue delay and within 48 hours")
    [change] = compare(DPA, changed).changes
    assert (change.clause, change.change, change.minor) == ("2.2", "changed", False)
    assert change.words_removed == ["72"]
    assert change.words_added == ["without", "undue", "delay", "and", "48"]


def test_rows_added_to_a_list_are_added_and_nothing_removed():
    more = DPA + "Support Desk Ltd\tIreland\tCustomer support\nBackup Oy\tFinland\tBackups\n"
    changes = compare(DPA, more).changes
    assert [c.change for c in changes] == ["added", "added"]
    assert [c.after for c in changes] == ["Support Desk Ltd | Ireland | Customer support",
                                          "Backup Oy | Finland | Backups"]


def test_a_typo_fix_is_minor_a_number_never_is():
    typo = compare(DPA, DPA.replace("documented", "documnted")).changes
    assert [c.minor for c in typo] == [True]
    days = compare(DPA, DPA.replace("72 hours", "12 hours")).changes
    assert [c.minor for c in days] == [False]


# -- through the CLI ----------------------------------------------------------------------------
@pytest.mark.browser
def test_index_holds_the_agreement_not_stamp_banner_or_buttons(cli, initialised: Path, site):
    out = cli.json("capture", site.url("cookie-overlay.html"), "--doc-type", "villkor",
                   "--new", "Molnkontor", "--click")
    assert [s["clicked"] for s in out["consent"]] == ["Endast nödvändiga"]
    assert site.posts_to("/signup") == [b"accept=villkor-2025"]
    assert "agreement.txt" in {a["name"] for a in out["artifacts"]}
    assert cli.json("search", "Leverantören ska behandla kundens uppgifter")["hits"]
    for furniture in ("ContractVault capture", "Acceptera alla", "Vi använder kakor",
                      "Produkter Support", "Logga in"):
        hits = cli.json("search", f'"{furniture}"')["hits"]
        assert hits == [], furniture


@pytest.mark.browser
def test_published_page_and_refused_option_mixes(cli, initialised: Path, site):
    out = cli.json("capture", site.url("published.html"), "--doc-type", "bilaga",
                   "--new", "Underbiträden", "--page-only", "--timeout", "20")
    assert out["accept"] is None and len(out["document_ids"]) == 1
    both = cli("capture", site.url("published.html"), "--doc-type", "bilaga", "--new", "X",
               "--page-only", "--click")
    assert both.exit_code == 2 and "--page-only" in both.stderr
    secret = cli("capture", "https://anna:hemligt@127.0.0.1/terms", "--doc-type", "villkor",
                 "--new", "X")
    assert secret.exit_code == 2 and "hemligt" not in secret.stderr
    bad = cli("capture", site.url("published.html"), "--doc-type", "bilaga", "--new", "X",
              "--consent", "maybe")
    assert bad.exit_code == 2 and "reject" in bad.stderr


@pytest.mark.browser
@pytest.mark.db
def test_readme_capture_example_with_the_shipped_register(cli, initialised: Path, site):
    assert cli("authority", "import", str(REGISTER)).exit_code == 0
    made = cli.json("contract", "new", "Microsoft 365", "--supplier", "Microsoft", "--board", "KS",
                    "--category", "plattform", "--scope", "kommungemensam", "--value", "1200000")
    out = cli.json("capture", site.url("scrollbox.html"), "--doc-type", "villkor",
                   "--contract", made["contract_id"], "--signer", "anna.l", "--click",
                   "--submit", "#go")
    assert out["authority"]["allowed"] is True
    assert site.posts_to("/accept") == [b"tos=accepted"]
    # Above the delegation's limit (5 000 000 SEK) the same acceptance is refused.
    cli("contract", "set", made["contract_id"], "--value", "9000000")
    refused = cli("capture", site.url("scrollbox.html"), "--doc-type", "villkor",
                  "--contract", made["contract_id"], "--signer", "anna.l", "--click",
                  "--submit", "#go")
    assert refused.exit_code == 3
    assert site.posts_to("/accept") == [b"tos=accepted"]


@pytest.mark.browser
@pytest.mark.db
def test_recheck_adds_no_document_when_unchanged_and_reports_changes(cli, initialised: Path, site):
    out = cli.json("capture", site.url("published.html"), "--doc-type", "bilaga",
                   "--new", "Underbiträden", "--page-only", "--consent", "accept")
    doc = out["document_ids"][0]
    same = cli.json("recheck", doc)
    assert (same["text_changed"], same["new_document"], same["document_id"]) == (False, False, doc)
    assert len(_docs(initialised)) == 1
    with Vault.open(initialised) as vault, vault.session() as s:
        check = s.get(Evidence, int(same["evidence_id"].split("-")[1]))
        record = json.loads(check.record_json)
    assert check.kind == "recheck" and record["context"]["unchanged_since"] == doc
    assert record["context"]["options"]["consent"] == "accept"  # the original's options
    assert cli("verify").exit_code == 0

    original = (PAGES / "published.html").read_text("utf-8")
    site.overrides["/published.html"] = original.replace(
        "</table>", "<tr><td>Backup Oy</td><td>Finland</td><td>Backups</td></tr></table>").encode()
    added = cli.json("recheck", doc)
    assert added["text_changed"] and added["new_document"]
    assert [(c["change"], c["after"]) for c in added["changes"]] == [
        ("added", "Backup Oy | Finland | Backups")]
    human = cli("recheck", doc)
    assert human.exit_code == 0 and "added «Backup Oy | Finland | Backups»" in human.stdout
    assert len(_docs(initialised)) == 2  # the second check found the same words again


@pytest.mark.db
def test_a_vault_from_before_contract_values_gets_the_column(cli, initialised: Path):
    from sqlalchemy import text

    from contractvault.models import MigrationRecord

    with Vault.open(initialised) as vault, vault.session() as s:
        # As a vault made before migration 0002: no value column, no record of 0002.
        s.exec(MigrationRecord.__table__.delete().where(MigrationRecord.name == "0002_contract_value"))
        s.connection().execute(text("ALTER TABLE cv_contract DROP COLUMN value_sek"))
        s.connection().execute(text("UPDATE cv_meta SET value = '1' WHERE key = 'schema_version'"))
        s.commit()
    made = cli.json("contract", "new", "Zoom", "--value", "250000")
    assert cli.json("show", made["contract_id"])["value_sek"] == 250000
