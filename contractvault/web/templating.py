"""Jinja2 templates, one environment per language (gettext catalogs installed)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from contractvault.util import iso_utc
from contractvault.web.i18n import LANGUAGES, translations

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_MARK = re.compile(r"«([^«»]*)»")


def highlight(snippet: str | None) -> Markup:
    """The index marks matched words «like this»: escaped text with <mark> around them."""
    text = str(escape(snippet or ""))
    return Markup(_MARK.sub(r"<mark>\1</mark>", text))


def when(value: Any) -> str:
    """A time or date for people: 2025-03-04 10:15 UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if "T" in text:
        day, _, rest = text.partition("T")
        return f"{day} {rest[:5]} UTC"
    return text


class Templates:
    """Renders templates in a language."""

    def __init__(self) -> None:
        self.envs: dict[str, Any] = {}
        for lang in LANGUAGES:
            env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                              autoescape=select_autoescape(default=True),
                              extensions=["jinja2.ext.i18n"], undefined=ChainableUndefined,
                              trim_blocks=True, lstrip_blocks=True)
            env.install_gettext_translations(translations(lang), newstyle=True)
            env.filters["highlight"] = highlight
            env.filters["when"] = when
            self.envs[lang] = env

    def render(self, lang: str, template: str, /, **data: Any) -> str:
        """The page `template` in `lang`."""
        return str(self.envs[lang].get_template(template).render(lang=lang, **data))
