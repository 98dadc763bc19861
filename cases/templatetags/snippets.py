from django import template

from ..search import highlight

register = template.Library()
WIDTH = 120


@register.filter
def snippet(text: str, words: dict | None) -> list[tuple[str, bool]]:
    """(piece, matched) pieces of about WIDTH characters of ``text``: the passage holding most of
    the query's weight (``words``: the weighted words the list's view understood, cases/search.py);
    the template marks the matched pieces (autoescaped like any text)."""
    return highlight(text or "", "", width=WIDTH, words=words or {})
