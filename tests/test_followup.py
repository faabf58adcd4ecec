"""Avtalsuppföljning: deadlines from the terms (month arithmetic, renewals, leap years,
weekends), `followup due`, follow-up records, changed online terms and the .ics file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from contractvault.evidence.ingest import add_document_rows
from contractvault.followup import (
    Terms,
    add_months,
    current_term_index,
    notice_last_day,
    term_deadlines,
    term_end,
    term_start,
)
from contractvault.ids import parse_ref
from contractvault.records.extract import extract_file
from contractvault.vault import ArtifactSpec, Subject, Vault


def dates(terms: Terms, on: str, until: str, kind: str) -> list[str]:
    return [d.date.isoformat() for d in term_deadlines(terms, date.fromisoformat(on),
                                                       date.fromisoformat(until))
            if d.kind == kind]


# --- month arithmetic, without a database ------------------------------------------------


def test_month_arithmetic_clamps_to_the_end_of_shorter_months():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 31), -6) == date(2024, 6, 30)
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    # A term end on the last day of a month stays on the last day of the month.
    assert add_months(date(2023, 2, 28), 12, keep_month_end=True) == date(2024, 2, 29)
    assert add_months(date(2023, 4, 30), 1, keep_month_end=True) == date(2023, 5, 31)
    assert add_months(date(2023, 4, 29), 1, keep_month_end=True) == date(2023, 5, 29)


def test_ssbtek_year_end_rule_gives_30_june_and_the_agreement_ends_31_december():
    # Seed 004, 17.1: written notice at the latest six months before the end of each
    # calendar year; the agreement then ends on 31 December.
    terms = Terms(notice_months=6, notice_basis="year-end")
    found = list(term_deadlines(terms, date(2025, 1, 15), date(2025, 12, 31)))
    assert [(d.kind, d.date) for d in found] == [("notice", date(2025, 6, 30))]
    assert "2025-12-31" in found[0].detail
    # After 30 June the next chance is next year's 30 June.
    assert dates(terms, "2025-07-01", "2026-12-31", "notice") == ["2026-06-30"]
    # 30 June itself is still in time.
    assert dates(terms, "2025-06-30", "2025-06-30", "notice") == ["2025-06-30"]


def test_three_year_term_renewing_yearly_with_three_months_notice_over_five_years():
    terms = Terms(start_date=date(2021, 4, 1), end_date=date(2024, 3, 31), notice_months=3,
                  notice_basis="end", renewal_months=12)
    assert dates(terms, "2021-04-01", "2024-03-31", "notice") == ["2023-12-31"]
    assert dates(terms, "2024-01-01", "2028-12-31", "notice") == [
        "2024-12-31", "2025-12-31", "2026-12-31", "2027-12-31", "2028-12-31"]
    assert dates(terms, "2024-01-01", "2028-12-31", "renewal") == [
        "2024-04-01", "2025-04-01", "2026-04-01", "2027-04-01", "2028-04-01"]
    assert dates(terms, "2024-01-01", "2028-12-31", "expiry") == []  # it renews instead
    assert current_term_index(terms, date(2026, 6, 15)) == 3
    assert term_start(terms, 3) == date(2026, 4, 1)
    assert term_end(terms, 3) == date(2027, 3, 31)
    # A notice deadline already passed in the current term: the next one is a year later.
    assert dates(terms, "2026-01-02", "2027-01-31", "notice") == ["2026-12-31"]


def test_leap_day_term_end_renews_to_the_end_of_february():
    terms = Terms(end_date=date(2024, 2, 29), notice_months=6, notice_basis="end",
                  renewal_months=12)
    assert [term_end(terms, k) for k in range(5)] == [
        date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28),
        date(2028, 2, 29)]
    assert notice_last_day(date(2024, 2, 29), 6) == date(2023, 8, 29)
    assert dates(terms, "2024-03-01", "2025-03-31", "renewal") == ["2025-03-01"]
    # A term ending 28 Feb in a common year renews to 29 Feb in a leap year.
    common = Terms(end_date=date(2023, 2, 28), renewal_months=12)
    assert term_end(common, 1) == date(2024, 2, 29)
    # A fixed term ending on a leap day expires on it; notice one month before is 29 Jan.
    fixed = Terms(end_date=date(2028, 2, 29), notice_months=1, notice_basis="end")
    assert dates(fixed, "2028-01-01", "2028-12-31", "expiry") == ["2028-02-29"]
    assert dates(fixed, "2028-01-01", "2028-12-31", "notice") == ["2028-01-29"]


def test_fixed_term_without_renewal_expires_and_data_is_deleted_after():
    terms = Terms(start_date=date(2023, 7, 1), end_date=date(2025, 6, 30), notice_months=3,
                  deletion_days=30)
    found = [(d.kind, d.date.isoformat()) for d in
             term_deadlines(terms, date(2025, 1, 1), date(2025, 12, 31))]
    assert found == [("notice", "2025-03-30"), ("expiry", "2025-06-30"),
                     ("deletion", "2025-07-30")]


# --- through the vault -------------------------------------------------------------------


def _new(cli, title: str, *flags: str) -> str:
    return cli.json("contract", "new", title, *flags)["contract_id"]


@pytest.mark.db
def test_due_lists_deadlines_in_date_order_with_a_weekend_note(cli, initialised):
    ssbtek = _new(cli, "SSBTEK", "--notice-months", "6", "--notice-basis", "year-end")
    fixed = _new(cli, "Fixed", "--start", "2022-01-01", "--end", "2024-05-31",
                 "--deletion-days", "30")
    out = cli.json("followup", "due", "--on", "2024-01-10", "--within", "200")
    assert out["on"] == "2024-01-10"
    got = [(i["contract_id"], i["kind"], i["date"]) for i in out["items"]]
    assert got == [(fixed, "expiry", "2024-05-31"), (ssbtek, "notice", "2024-06-30"),
                   (fixed, "deletion", "2024-06-30")]
    notice = out["items"][1]
    assert set(notice) >= {"contract_id", "title", "kind", "date", "detail"}
    # 30 June 2024 is a Sunday: shown on the date the agreement says, with a note.
    assert notice["date"] == "2024-06-30"
    assert "falls on a Sunday" in notice["detail"]
    assert "falls on" not in out["items"][0]["detail"]  # 31 May 2024 is a Friday
    # --within limits how far ahead: 30 June is outside 150 days (8 June).
    short = cli.json("followup", "due", "--on", "2024-01-10", "--within", "150")
    assert [i["kind"] for i in short["items"]] == ["expiry"]


@pytest.mark.db
def test_yearly_followup_is_due_a_year_after_the_last_record(cli, initialised):
    cid = _new(cli, "Ekonomisystem", "--category", "verksamhetssystem", "--start", "2023-03-01")
    _new(cli, "Facebook-sida", "--category", "publik-tjanst", "--start", "2023-03-01")
    out = cli.json("followup", "due", "--on", "2024-01-01", "--within", "90")
    assert [(i["contract_id"], i["kind"], i["date"]) for i in out["items"]] == [
        (cid, "followup", "2024-03-01")]
    rec = cli.json("followup", "record", cid, "--kind", "internal-review", "--date",
                   "2024-02-15", "--participant", "Systemägare", "--notes", "Allt i ordning")
    assert rec["kind"] == "internal-review" and rec["participants"] == ["Systemägare"]
    out = cli.json("followup", "due", "--on", "2024-03-01", "--within", "400")
    assert [(i["kind"], i["date"]) for i in out["items"]] == [("followup", "2025-02-15")]
    # Overdue follow-ups stay on the list whatever the window.
    late = cli.json("followup", "due", "--on", "2025-06-01", "--within", "0")
    assert [(i["kind"], i["overdue"]) for i in late["items"]] == [("followup", True)]
    assert cli.json("followup", "list", cid)["followups"][0]["held_on"] == "2024-02-15"


@pytest.mark.db
def test_followup_record_rejects_unknown_kind_and_meetings_without_participants(cli, initialised):
    cid = _new(cli, "X", "--category", "plattform")
    assert cli("followup", "record", cid, "--kind", "lunch").exit_code == 2
    r = cli("followup", "record", cid, "--kind", "meeting", "--date", "2024-01-01")
    assert r.exit_code == 2 and "participant" in r.stderr


def _add_version(vault: Vault, contract: str, path: Path, origin: str,
                 supersedes: int | None = None) -> int:
    """Store a document the way capture/recheck do (sealed, with supersedes)."""
    doc = extract_file(path)
    pk = parse_ref(contract, "contract")[1]

    def build(s):
        row = add_document_rows(s, vault, contract_id=pk, doc=doc, doc_type="villkor",
                                title=path.stem, source_name=path.name, origin=origin,
                                supersedes_id=supersedes)
        return Subject(contract_id=pk, document_id=row.id, supersedes=supersedes)

    sealed = vault.seal(kind=origin, artifacts=[ArtifactSpec(path.name, doc.media_type,
                                                             doc.sha256, doc.size)],
                        context={"how": origin}, build_rows=build)
    assert sealed.subject.document_id is not None
    return sealed.subject.document_id


@pytest.mark.db
def test_changed_online_terms_from_rechecks_are_due(vault, cli, tmp_path):
    from contractvault.records.contracts import ContractFields, create_contract

    cid = create_contract(vault, "Google Workspace", ContractFields(supplier="Google"))
    v1 = tmp_path / "terms-v1.html"
    v1.write_text("<p>1. Terms. The customer may terminate with 30 days notice.</p>")
    original = _add_version(vault, cid, v1, "capture")
    same = tmp_path / "terms-same.html"
    same.write_text("<p>1. Terms.  The customer may terminate with 30 days notice.</p>")
    first = _add_version(vault, cid, same, "recheck", supersedes=original)
    out = cli.json("followup", "due", "--on", date.today().isoformat())
    assert [i for i in out["items"] if i["kind"] == "changed-terms"] == []

    changed = tmp_path / "terms-v2.html"
    changed.write_text("<p>1. Terms. The customer may terminate with 90 days notice.</p>")
    latest = _add_version(vault, cid, changed, "recheck", supersedes=first)
    out = cli.json("followup", "due", "--on", (date.today() + timedelta(days=5)).isoformat())
    items = [i for i in out["items"] if i["kind"] == "changed-terms"]
    assert len(items) == 1 and items[0]["contract_id"] == cid
    assert f"D-{latest}" in items[0]["detail"] and f"D-{original}" in items[0]["detail"]
    # A newer recheck of the accepted version finds the accepted text again: no change.
    back = tmp_path / "terms-back.html"
    back.write_text("<p>1. Terms. The customer may terminate with 30 days notice.</p>")
    _add_version(vault, cid, back, "recheck", supersedes=original)
    out = cli.json("followup", "due")
    assert [i for i in out["items"] if i["kind"] == "changed-terms"] == []


@pytest.mark.db
def test_ics_has_one_all_day_event_per_deadline_with_reminders(cli, initialised, tmp_path):
    _new(cli, "SSBTEK", "--notice-months", "6", "--notice-basis", "year-end")
    _new(cli, "Hemlig", "--end", "2024-05-31", "--notice-months", "1", "--secret")
    due = cli.json("followup", "due", "--on", "2024-01-10", "--within", "365")
    ics = tmp_path / "cal" / "avtal.ics"
    ics.parent.mkdir()  # -o never creates folders (cli-contract.md)
    r = cli("followup", "ics", "-o", str(ics), "--on", "2024-01-10", "--within", "365")
    assert r.exit_code == 0, r.stderr
    cal = Calendar.from_ical(ics.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == len(due["items"]) == 3
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts == sorted(date.fromisoformat(i["date"]) for i in due["items"])
    for e in events:
        start = e.decoded("dtstart")
        assert type(start) is date  # all-day
        assert e.decoded("dtend") == start + timedelta(days=1)
    notice = next(e for e in events if "SSBTEK" in str(e["summary"]))
    triggers = sorted(a.decoded("trigger") for a in notice.walk("VALARM"))
    assert triggers == [timedelta(days=-30), timedelta(days=-7)]
    # The secret contract's title stays out of the calendar.
    assert not any("Hemlig" in str(e["summary"]) + str(e["description"]) for e in events)
    # UIDs are unique and stable across exports.
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 3
    again = tmp_path / "again.ics"
    cli("followup", "ics", "-o", str(again), "--on", "2024-01-10", "--within", "365")
    assert sorted(str(e["uid"]) for e in Calendar.from_ical(again.read_bytes())
                  .walk("VEVENT")) == sorted(uids)
    assert not list(ics.parent.glob(".*.tmp"))


@pytest.mark.db
def test_due_json_is_the_only_stdout_and_bad_dates_are_usage_errors(cli, initialised):
    r = cli("followup", "due", "--on", "2024-13-01")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.stderr
    r = cli("followup", "due", "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["items"] == []
