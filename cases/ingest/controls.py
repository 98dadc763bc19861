"""Control characters: invisible, meaningless in a case's text, and fatal to XML (XLSX, DOCX,
Atom).  Everything except tab and line breaks, C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F),
is dropped wherever text enters the library and wherever it leaves it."""

from __future__ import annotations

import re

CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    return CONTROLS.sub("", text) if text else text
