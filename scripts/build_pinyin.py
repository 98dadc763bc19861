"""Rebuild fixtures/pinyin_phrases.tsv from the installed pypinyin's phrase dictionary.

    python scripts/build_pinyin.py           # writes the table (make pinyin)
    python scripts/build_pinyin.py --stdout  # prints it (tests/test_pinyin.py compares)

The portal runs pypinyin without its phrase dictionary (cases/ingest/chinese.py): a word is
read as the longest phrase of this table at each position, else by each character's first
reading.  The table holds the phrases that this reading would get wrong: first those that
pypinyin reads (toneless) otherwise than by their characters' first readings (银行 yin hang),
then, until none is left, those that a phrase already in the table would misread (人行道 is
ren xing dao, not 人行 ren hang + dao).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.pop("PYPINYIN_NO_PHRASES", None)  # this script needs the dictionary the portal leaves out
from pypinyin import __version__, lazy_pinyin  # noqa: E402
from pypinyin.phrases_dict import phrases_dict  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cases.ingest.chinese import PHRASES_FILE, syllables  # noqa: E402


def build() -> str:
    reading = {word: lazy_pinyin(word) for word in phrases_dict}
    table: dict[str, list[str]] = {}
    while wrong := {word: r for word, r in reading.items() if syllables(word, table) != r}:
        table.update(wrong)
    header = (
        f"# Toneless readings from pypinyin {__version__} (MIT licence, github.com/mozillazg/python-pinyin) of the"
        " phrases it reads otherwise than by their characters' first readings, and of those a shorter phrase here"
        " would misread (人行道). Rebuild: make pinyin (scripts/build_pinyin.py).\n"
    )
    return header + "".join(f"{word}\t{' '.join(table[word])}\n" for word in sorted(table))


if __name__ == "__main__":
    text = build()
    if "--stdout" in sys.argv:
        sys.stdout.write(text)
    else:
        PHRASES_FILE.write_text(text, encoding="utf-8")
        print(f"{PHRASES_FILE.relative_to(ROOT)}: {text.count(chr(10)) - 1} phrases")
