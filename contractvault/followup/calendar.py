"""The deadlines as an iCalendar file that calendar programs import or subscribe to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from contractvault.followup.deadlines import DueItem, deadlines
from contractvault.followup.terms import ALARM_DAYS, KIND_LABEL
from contractvault.util import new_output_file, sha256_hex, utc_now, write_output
from contractvault.vault import Vault

# --- iCalendar ---------------------------------------------------------------------------


def event_uid(vault_id: str, item: DueItem) -> str:
    """A UID that stays the same for the same deadline on every export."""
    basis = f"{vault_id}|{item.contract_id}|{item.kind}|{item.date.isoformat()}|{item.key}"
    return f"{sha256_hex(basis.encode('utf-8'))[:32]}@contractvault"


def calendar_bytes(vault_id: str, items: list[DueItem], *, show_secret: bool = False,
                   stamp: datetime | None = None) -> bytes:
    """An iCalendar document with one all-day event per deadline, with reminders.

    Secret contracts keep their id but not their title unless `show_secret` (a calendar
    file is easily shared beyond the people who may see the contract).
    """
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//ContractVault//Avtalsuppfoljning//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Avtalsuppföljning")
    stamp = stamp or utc_now()
    for item in items:
        title = item.title if (show_secret or not item.secret) else "(sekretess)"
        ev = Event()
        ev.add("uid", event_uid(vault_id, item))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", item.date)
        ev.add("dtend", item.date + timedelta(days=1))
        ev.add("summary", f"{KIND_LABEL[item.kind]}: {title} ({item.contract_id})")
        ev.add("description", item.detail if (show_secret or not item.secret)
               else f"{KIND_LABEL[item.kind]} for a secret contract; see ContractVault")
        ev.add("categories", [item.kind])
        ev.add("transp", "TRANSPARENT")
        for days in ALARM_DAYS.get(item.kind, ()):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(days=-days))
            alarm.add("description", f"In {days} days: {KIND_LABEL[item.kind]} "
                                     f"({item.contract_id})")
            ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


def write_ics(vault: Vault, path: Path | str, *, on: date | None = None, within: int = 365,
              show_secret: bool = False, force: bool = False,
              warn: Callable[[str], None] | None = None) -> tuple[Path, int]:
    """Write the deadlines of the coming `within` days (and what is overdue) to a new .ics
    file (`force`: or over a regular file), atomically; returns its path and the number
    of events. A contract whose deadlines cannot be computed is left out and named
    through `warn`."""
    out = new_output_file(path, force)
    listing = deadlines(vault, on=on, within=within)
    for line in listing.warnings:
        if warn is not None:
            warn(line)
    write_output(out, calendar_bytes(vault.vault_id, listing.items, show_secret=show_secret), force)
    return out, len(listing.items)
