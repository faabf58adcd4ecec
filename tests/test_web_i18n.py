"""The web interface's catalogs: every message in the code and templates has Swedish,
the shipped .mo is the compiled .po, and the language is chosen as documented."""

from __future__ import annotations

import gettext

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from contractvault.web.i18n import LOCALE_DIR, negotiate

WEB = LOCALE_DIR.parent
PO = LOCALE_DIR / "sv" / "LC_MESSAGES" / "contractvault.po"


def _messages() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    out = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(WEB), method_map, options, keywords=keywords):
        out.add(message if isinstance(message, str) else message[0])
    return out


def test_every_message_has_a_swedish_translation() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id}
    messages = _messages()
    assert len(messages) > 200
    missing = sorted(m for m in messages if not translated.get(m))
    assert not missing, f"no Swedish for {missing[:10]}"


def test_shipped_mo_is_the_compiled_po() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    mo = gettext.translation("contractvault", localedir=str(LOCALE_DIR), languages=["sv"])
    for m in catalog:
        if m.id and m.string:
            assert mo.gettext(m.id) == m.string, f"stale .mo: {m.id!r}"


def test_language_choice() -> None:
    assert negotiate(None) == "sv"
    assert negotiate("de-DE,de;q=0.9") == "sv"
    assert negotiate("en-US,en;q=0.9") == "en"
    assert negotiate("en;q=0.4,sv;q=0.8") == "sv"
    assert negotiate("sv-SE,en;q=0.5") == "sv"
    assert negotiate("sv", chosen="en") == "en"
