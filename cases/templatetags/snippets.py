import re

from django import template

from ..search import query_tokens

register = template.Library()
WIDTH = 120


@register.filter
def snippet(text: str, query: str) -> list[tuple[str, bool]]:
    """(piece, matched) pieces of about WIDTH characters of ``text`` around the first match
    of the query's words: the template marks the matched pieces (autoescaped like any text)."""
    text = text or ""
    tokens = sorted(query_tokens(query or ""), key=len, reverse=True)
    positions = [p for t in tokens if (p := text.lower().find(t)) != -1]
    start = max(0, min(positions) - WIDTH // 4) if positions else 0
    window = text[start : start + WIDTH]
    pieces = re.split(f"({'|'.join(map(re.escape, tokens))})", window, flags=re.IGNORECASE) if tokens else [window]
    parts = [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]
    return [("…", False)] * bool(start) + parts + [("…", False)] * (start + WIDTH < len(text))
