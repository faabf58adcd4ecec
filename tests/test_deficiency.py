"""Deficiencies (brister): event history, state as a fold, the late-notification warning."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from contractvault.models import DeficiencyEvent
from contractvault.vault import Vault

pytestmark = pytest.mark.db


def _contract(cli) -> str:
    return cli.json("contract", "new", "Lönesystem", "--supplier", "Visma",
                    "--category", "verksamhetssystem")["contract_id"]


def test_history_is_kept_and_resolve_does_not_overwrite(cli, initialised):
    cid = _contract(cli)
    added = cli.json("deficiency", "add", cid, "--description", "Tillgänglighet under 99,5 %",
                     "--clause", "SLA 3.1", "--noticed", "2024-03-01", "--remedy-by",
                     "2024-04-15", "--sanction", "vite", "--sanction", "skadestånd")
    bid = added["deficiency_id"]
    assert added["status"] == "open" and added["sanctions"] == ["vite", "skadestand"]
    notified = cli.json("deficiency", "update", bid, "--notified", "2024-03-05")
    assert notified["status"] == "notified"
    resolved = cli.json("deficiency", "resolve", bid, "--date", "2024-04-10",
                        "--note", "Leverantören har åtgärdat")
    assert resolved["status"] == "resolved" and resolved["resolved_on"] == "2024-04-10"
    history = cli.json("deficiency", "list", "--contract", cid)["deficiencies"][0]["history"]
    assert [h["action"] for h in history] == ["opened", "notified", "resolved"]
    # The opening event still says what was known then: not yet notified.
    assert history[0]["data"]["notified_on"] is None
    assert history[0]["data"]["description"] == "Tillgänglighet under 99,5 %"
    assert history[1]["data"] == {"notified_on": "2024-03-05"}
    assert all(h["by"] == "test.user" for h in history)
    # A resolved deficiency is not changed silently, and cannot be resolved twice.
    r = cli("deficiency", "update", bid, "--remedy-by", "2024-05-01")
    assert r.exit_code == 2 and "reopen" in r.stderr
    assert cli("deficiency", "resolve", bid).exit_code == 2
    reopened = cli.json("deficiency", "reopen", bid, "--note", "Återkom i maj")
    assert reopened["status"] == "notified"  # it was notified before it was resolved
    assert [h["action"] for h in reopened["history"]][-1] == "reopened"


def test_event_rows_are_only_appended(vault: Vault):
    from contractvault.followup.deficiencies import (
        add_deficiency,
        resolve_deficiency,
        update_deficiency,
    )
    from contractvault.records.contracts import create_contract

    cid = create_contract(vault, "Avtal")
    d = add_deficiency(vault, cid, description="Fel", noticed_on="2024-01-02")
    with vault.session() as s:
        before = [(e.id, e.action, e.data_json) for e in s.exec(select(DeficiencyEvent))]
    update_deficiency(vault, d.deficiency_id, notified_on="2024-01-03")
    resolve_deficiency(vault, d.deficiency_id, resolved_on="2024-01-20")
    with vault.session() as s:
        after = [(e.id, e.action, e.data_json) for e in
                 s.exec(select(DeficiencyEvent).order_by(col(DeficiencyEvent.id)))]
    assert after[:1] == before
    assert [a for _, a, _ in after] == ["opened", "notified", "resolved"]


def test_warns_when_not_notified_within_14_days(cli, initialised):
    cid = _contract(cli)
    noticed = (date.today() - timedelta(days=20)).isoformat()
    d = cli.json("deficiency", "add", cid, "--description", "Loggar saknas",
                 "--noticed", noticed)
    assert any("may count as accepted" in w for w in d["warnings"])
    human = cli("deficiency", "list")
    assert human.exit_code == 0
    assert "may count as accepted" in " ".join(human.stdout.split())
    # Notified late: the warning stays (it says how late).
    late = cli.json("deficiency", "update", d["deficiency_id"], "--notified",
                    date.today().isoformat())
    assert any("20 days after noticing" in w for w in late["warnings"])
    # Noticed recently and not yet notified: no warning yet.
    fresh = cli.json("deficiency", "add", cid, "--description", "Ny brist")
    assert fresh["warnings"] == [] and fresh["noticed_on"] == date.today().isoformat()
    # In time: no warning.
    ok = cli.json("deficiency", "add", cid, "--description", "Brist",
                  "--noticed", noticed, "--notified", (date.today() - timedelta(days=15)).isoformat())
    assert ok["warnings"] == []


def test_open_deficiency_past_its_remedy_deadline_is_due(cli, initialised):
    cid = _contract(cli)
    d = cli.json("deficiency", "add", cid, "--description", "Backup saknas",
                 "--noticed", "2024-01-02", "--notified", "2024-01-03",
                 "--remedy-by", "2024-02-01", "--sanction", "vite")
    out = cli.json("followup", "due", "--on", "2024-06-01", "--within", "30")
    items = [i for i in out["items"] if i["kind"] == "deficiency"]
    assert len(items) == 1
    assert items[0]["date"] == "2024-02-01" and items[0]["overdue"] is True
    assert d["deficiency_id"] in items[0]["detail"] and "vite" in items[0]["detail"]
    cli.json("deficiency", "resolve", d["deficiency_id"], "--date", "2024-05-01")
    out = cli.json("followup", "due", "--on", "2024-06-01", "--within", "30")
    assert [i for i in out["items"] if i["kind"] == "deficiency"] == []


def test_bad_input_is_a_usage_error(cli, initialised):
    cid = _contract(cli)
    assert cli("deficiency", "add", cid, "--description", " ").exit_code == 2
    r = cli("deficiency", "add", cid, "--description", "x", "--sanction", "bannlysning")
    assert r.exit_code == 2 and "vite" in r.stderr
    r = cli("deficiency", "add", cid, "--description", "x", "--noticed", "2024-02-01",
            "--notified", "2024-01-01")
    assert r.exit_code == 2
    assert cli("deficiency", "resolve", "B-99").exit_code == 5
    assert cli("deficiency", "resolve", "C-1").exit_code == 2
    assert cli("deficiency", "add", "C-99", "--description", "x").exit_code == 5
    r = cli("deficiency", "list", "--json")
    assert json.loads(r.stdout) == {"deficiencies": []}
