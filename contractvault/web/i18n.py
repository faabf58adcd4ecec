"""Languages: Swedish by default, English by the browser's Accept-Language or the switch.

Messages are English in the code and templates (msgids); the Swedish catalog lives in
`locale/sv/LC_MESSAGES/contractvault.po`, compiled to the `.mo` shipped beside it
(`python -m contractvault.web.i18n` recompiles it with Babel; a test checks they agree).

After changing messages: `pybabel extract -F contractvault/web/babel.cfg -k N_ -k gettext
--no-location --sort-output -o messages.pot contractvault/web`, then `pybabel update -i
messages.pot -d contractvault/web/locale -D contractvault -l sv --ignore-obsolete`,
translate the new entries, and compile. A test fails while a message lacks Swedish.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
DOMAIN = "contractvault"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (English is the msgids themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])


def negotiate(accept_language: str | None, chosen: str | None = None) -> str:
    """The language to answer in: the user's choice (cookie), else the best of
    Accept-Language that we have, else Swedish."""
    if chosen in LANGUAGES:
        return str(chosen)
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= n * 1e-6  # earlier entries win ties
        if q > best_q:
            best, best_q = primary, q
    return best


def compile_catalogs() -> list[Path]:
    """Compile every `.po` under locale/ to its `.mo` (needs Babel; a build step)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        out.append(mo)
    return out


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a message for the catalog without translating it here."""
    return message


# Values shown through `_(value)` in templates (kinds, roles, statuses, severities).
DYNAMIC_MESSAGES = (
    N_("notice"), N_("expiry"), N_("renewal"), N_("followup"), N_("deletion"),
    N_("deficiency"), N_("changed-terms"), N_("reader"), N_("officer"), N_("admin"),
    N_("open"), N_("notified"), N_("resolved"), N_("queued"), N_("running"), N_("done"),
    N_("failed"), N_("high"), N_("medium"), N_("low"), N_("meeting"), N_("internal-review"),
    N_("view"), N_("download"), N_("search"), N_("export"), N_("changed"), N_("added"),
    N_("removed"),
)


if __name__ == "__main__":
    for path in compile_catalogs():
        print(path)  # noqa: T201 - a build script's output
