"""Avtalsuppföljning: follow-up of contracts after they are signed.

`terms` computes term ends, renewals and notice deadlines; `deadlines` lists what is due
across the archive and keeps follow-up records; `calendar` writes it as iCalendar;
`deficiencies` logs brister against the agreed terms; `report` says what is missing or at
risk across the archive.
"""

from __future__ import annotations

from contractvault.followup.calendar import calendar_bytes, event_uid, write_ics
from contractvault.followup.deadlines import (
    ChangedTerms,
    DueItem,
    DueList,
    changed_terms,
    deadlines,
    due_items,
    followup_dict,
    list_followups,
    record_followup,
)
from contractvault.followup.terms import (
    KINDS,
    Deadline,
    Terms,
    add_months,
    current_term_index,
    has_ended,
    notice_last_day,
    term_deadlines,
    term_end,
    term_start,
)

__all__ = [
    "KINDS", "ChangedTerms", "Deadline", "DueItem", "DueList", "Terms", "add_months",
    "calendar_bytes", "changed_terms", "current_term_index", "deadlines", "due_items",
    "event_uid", "followup_dict", "has_ended", "list_followups", "notice_last_day",
    "record_followup", "term_deadlines", "term_end", "term_start", "write_ics",
]
