from django import template

from ..search import highlight, snippet_words

register = template.Library()
WIDTH = 120


@register.filter
def snippet(text: str, query: str) -> list[tuple[str, bool]]:
    """(piece, matched) pieces of about WIDTH characters of ``text``: the passage holding most of
    the query's weight (cases/search.py); the template marks the matched pieces (autoescaped)."""
    return highlight(text or "", query or "", width=WIDTH, words=snippet_words(query or ""))
