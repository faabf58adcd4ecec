"""The in-page JavaScript helpers, read once from the package and wrapped for evaluate().

Each call evaluates a function body that defines the helper objects it needs (``lib``,
``consent``, ``detect``, ``content``, Mozilla's ``Readability``) and returns one expression,
so nothing is left behind in the page between calls.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

_SOURCES = {
    "lib": "pagelib.js",
    "consent": "consent.js",
    "detect": "detect.js",
    "readability": "vendor/Readability.js",
    "content": "content.js",
    "layout": "layout.js",
}
# Each helper with the helpers it needs, in load order.
_NEEDS = {
    "lib": ("lib",),
    "consent": ("lib", "consent"),
    "detect": ("lib", "consent", "detect"),
    "content": ("lib", "consent", "detect", "readability", "content"),
    "layout": ("lib", "consent", "detect", "layout"),
}


@cache
def _source(name: str) -> str:
    return files("capture").joinpath(_SOURCES[name]).read_text(encoding="utf-8")


@cache
def _prelude(need: str) -> str:
    return "\n".join(_source(n) for n in _NEEDS[need])


def js(call: str, need: str = "lib") -> str:
    """A page function ``(arg) => call`` with the helpers ``need`` names in scope."""
    return "(arg) => {\n" + _prelude(need) + "\nreturn " + call + ";\n}"


def js_el(call: str, need: str = "lib") -> str:
    """An element function ``(el, arg) => call`` with the helpers in scope."""
    return "(el, arg) => {\n" + _prelude(need) + "\nreturn " + call + ";\n}"
