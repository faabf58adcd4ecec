"""Contract terms and their dates: term ends, renewals, notice deadlines.

Month arithmetic (documented choices, tested):
- A term end moves by whole months and keeps to the month's last day when it was on one:
  a term ending 28 Feb 2023 renewed by 12 months ends 29 Feb 2024, one ending 29 Feb 2024
  ends 28 Feb 2025, and 31 Jan + 1 month is 28/29 Feb. Every renewal is computed from the
  original end date, so clamping never drifts (31 Jan, 28 Feb, 31 Mar, ...).
- A notice deadline ("at the latest N months before the end") counts back by the day
  number and clamps to the month's last day when that day does not exist (31 Dec - 6
  months = 30 June; 30 June - 3 months = 30 March). This is never later than the
  month-end reading, so a reminder is never late.
- A deadline on a Saturday or Sunday is shown on the date the agreement says, with a note."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from contractvault.models import Contract

KINDS = ("notice", "expiry", "renewal", "followup", "deletion", "deficiency", "changed-terms")
# Categories with a mandatory yearly avtalsuppföljning (domain.md, seed 001).
FOLLOWUP_CATEGORIES = frozenset({"digitalt-verktyg", "verksamhetssystem", "plattform",
                                 "it-infrastruktur"})
FOLLOWUP_RECORD_KINDS = ("meeting", "internal-review")
DEFAULT_WITHIN_DAYS = 90
# These stay actionable after their date, so `due` shows them even when overdue.
STANDING_KINDS = frozenset({"followup", "deficiency", "changed-terms"})
# Calendar reminders, days before each kind of deadline.
ALARM_DAYS: dict[str, tuple[int, ...]] = {
    "notice": (30, 7), "renewal": (30, 7), "expiry": (30, 7), "followup": (14,),
    "deletion": (7,), "deficiency": (3,), "changed-terms": (),
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KIND_LABEL = {
    "notice": "Last day for notice", "expiry": "Agreement ends", "renewal": "Automatic renewal",
    "followup": "Yearly follow-up", "deletion": "Supplier must have deleted data",
    "deficiency": "Deficiency", "changed-terms": "Online terms changed",
}



# --- month arithmetic ------------------------------------------------------------------


def is_month_end(d: date) -> bool:
    """Whether `d` is the last day of its month."""
    return d.day == calendar.monthrange(d.year, d.month)[1]


def add_months(d: date, months: int, *, keep_month_end: bool = False) -> date:
    """`d` moved by `months` (may be negative), clamped to the target month's last day.

    With `keep_month_end`, a date on the last day of its month lands on the last day of
    the target month (the rule for term ends).
    """
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    if keep_month_end and is_month_end(d):
        return date(year, month0 + 1, last)
    return date(year, month0 + 1, min(d.day, last))


def weekend_note(d: date) -> str:
    """' (falls on a Saturday)' for weekend dates, '' otherwise."""
    return f" (falls on a {_WEEKDAYS[d.weekday()]})" if d.weekday() >= 5 else ""


# --- terms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """The parts of a contract that deadlines are computed from (no database needed)."""

    start_date: date | None = None
    end_date: date | None = None
    notice_months: int | None = None
    notice_basis: str | None = None
    renewal_months: int | None = None
    deletion_days: int | None = None

    @classmethod
    def of(cls, c: Contract) -> Terms:
        """The terms of a contract row."""
        return cls(start_date=c.start_date, end_date=c.end_date, notice_months=c.notice_months,
                   notice_basis=c.notice_basis, renewal_months=c.renewal_months,
                   deletion_days=c.deletion_days)

    @property
    def renews(self) -> bool:
        """Whether a fixed term renews automatically."""
        return bool(self.end_date and self.renewal_months)


def term_end(terms: Terms, k: int) -> date:
    """End of term `k` (0 = the original term, 1 = after the first renewal, ...)."""
    assert terms.end_date is not None
    return add_months(terms.end_date, k * (terms.renewal_months or 0), keep_month_end=True)


def term_start(terms: Terms, k: int) -> date | None:
    """First day of term `k` (the contract's start date for the original term)."""
    if k == 0:
        return terms.start_date
    return term_end(terms, k - 1) + timedelta(days=1)


def current_term_index(terms: Terms, on: date) -> int | None:
    """Index of the term running on `on` (0 before or during the original term).

    None when the agreement has ended (a fixed term without renewal that is over) or
    has no end date at all.
    """
    if terms.end_date is None:
        return None
    if on <= terms.end_date:
        return 0
    if not terms.renewal_months:
        return None
    months = (on.year - terms.end_date.year) * 12 + on.month - terms.end_date.month
    k = max(1, months // terms.renewal_months)
    while k > 1 and term_end(terms, k - 1) >= on:
        k -= 1
    while term_end(terms, k) < on:
        k += 1
    return k


def has_ended(terms: Terms, on: date) -> bool:
    """Whether a fixed term without renewal ended before `on`."""
    return bool(terms.end_date and not terms.renewal_months and terms.end_date < on
                and terms.notice_basis != "year-end")


def notice_last_day(end: date, months: int) -> date:
    """The last day to give notice `months` before an agreement ends on `end`."""
    return add_months(end, -months)


@dataclass(frozen=True)
class Deadline:
    """One computed deadline of a contract."""

    kind: str
    date: date
    detail: str
    key: str = ""


def term_deadlines(terms: Terms, on: date, until: date) -> Iterator[Deadline]:
    """Notice, expiry, renewal and deletion deadlines dated within [on, until], in order."""
    out: list[Deadline] = []
    n = terms.notice_months
    if terms.notice_basis == "year-end" and n is not None:
        year = on.year
        if terms.end_date and terms.end_date.year > year:
            year = terms.end_date.year  # notice cannot end it before the fixed term is over
        while True:
            end = date(year, 12, 31)
            last = notice_last_day(end, n)
            if last > until:
                break
            if last >= on:
                out.append(Deadline(
                    "notice", last,
                    f"last day to give written notice ({n} months before the end of the "
                    f"calendar year); the agreement then ends on {end.isoformat()}",
                    key=f"year-end:{year}"))
            year += 1
    elif terms.end_date is not None and terms.renews:
        r = terms.renewal_months
        k = current_term_index(terms, on) or 0
        while True:
            end = term_end(terms, k)
            last = notice_last_day(end, n) if n is not None else None
            if (last is None or last > until) and end + timedelta(days=1) > until:
                break
            if last is not None and on <= last <= until:
                out.append(Deadline(
                    "notice", last,
                    f"last day to give notice ({n} months before the term ends on "
                    f"{end.isoformat()}); otherwise it renews for {r} months", key=f"term:{k}"))
            renew = end + timedelta(days=1)
            if on <= renew <= until:
                nxt = term_end(terms, k + 1)
                extra = f" unless notice was given by {last.isoformat()}" if last else ""
                out.append(Deadline(
                    "renewal", renew,
                    f"renews automatically for {r} months (new term {renew.isoformat()} to "
                    f"{nxt.isoformat()}){extra}", key=f"term:{k + 1}"))
            k += 1
    elif terms.end_date is not None:
        end = terms.end_date
        if n is not None:
            last = notice_last_day(end, n)
            if on <= last <= until:
                out.append(Deadline("notice", last, f"last day to give notice ({n} months "
                                    f"before the agreement ends on {end.isoformat()})",
                                    key="term:0"))
        if on <= end <= until:
            out.append(Deadline("expiry", end, "the agreement ends (fixed term, no automatic "
                                "renewal)", key="term:0"))
        if terms.deletion_days is not None:
            gone = end + timedelta(days=terms.deletion_days)
            if on <= gone <= until:
                out.append(Deadline("deletion", gone, f"the supplier must have deleted the "
                                    f"data at the latest {terms.deletion_days} days after the "
                                    f"end on {end.isoformat()}: ask for confirmation",
                                    key="term:0"))
    out.sort(key=lambda d: (d.date, KINDS.index(d.kind)))
    yield from out


def followup_due_date(category: str | None, start: date | None, last_held: date | None,
                      created: date) -> date | None:
    """When the next yearly follow-up is due, or None when the category needs none."""
    if category not in FOLLOWUP_CATEGORIES:
        return None
    return add_months(last_held or start or created, 12)
