"""Pinyin without pypinyin's phrase dictionary (issue 17): the same readings, 44 MB less in every process."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from cases.ingest.chinese import PHRASES_FILE, syllables
from cases.placenames import english_name
from cases.vocabulary import vocabulary_words

FULL_PYPINYIN = {k: v for k, v in os.environ.items() if not k.startswith("PYPINYIN_")}


def run(*args: str, stdin: str = "", **env) -> str:
    """Python in another process, with pypinyin's phrase dictionary unless the code leaves it out."""
    result = subprocess.run(
        [sys.executable, *args],
        input=stdin,
        cwd=settings.BASE_DIR,
        env={**FULL_PYPINYIN, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    "word, read",
    [
        ("养老服务", ["yang", "lao", "fu", "wu"]),  # by the characters
        ("银行", ["yin", "hang"]),  # a phrase of the table
        ("人行道", ["ren", "xing", "dao"]),  # not 人行 (ren hang) + 道
        ("电力行业", ["dian", "li", "hang", "ye"]),  # longer than a phrase: by its phrases (pypinyin: xing ye)
        ("全国会计", ["quan", "guo", "kuai", "ji"]),  # (pypinyin: hui ji)
        ("长沙市", ["chang", "sha", "shi"]),
        ("绿色", ["lv", "se"]),
        ("5G基站", ["ji", "zhan"]),  # what has no reading is left out
    ],
)
def test_words_are_read_by_the_table_else_by_their_characters(word, read):
    assert syllables(word) == read


def test_the_table_is_what_the_script_builds_from_the_installed_pypinyin():
    """After an upgrade of pypinyin, `make pinyin` and review the table's difference."""
    built = run("scripts/build_pinyin.py", "--stdout")
    assert built == PHRASES_FILE.read_text(encoding="utf-8")


def test_the_portal_leaves_pypinyin_s_phrase_dictionary_unloaded():
    code = (
        "import pkgutil, importlib, sys, cases, portal.wsgi\n"
        "for m in pkgutil.walk_packages(cases.__path__, 'cases.'): importlib.import_module(m.name)\n"
        "import pypinyin.constants\n"
        "print('pypinyin.phrases_dict' in sys.modules, len(pypinyin.constants.PHRASES_DICT))\n"
    )
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "localhost", "PYTHONWARNINGS": "ignore"}
    assert run("-c", code, **production) == "False 0\n"


@pytest.mark.django_db
def test_places_and_the_library_s_words_read_as_with_the_phrase_dictionary(seeded):
    """English place names and pinyin keys, against pypinyin with its dictionary loaded (another process)."""
    regions = json.loads(settings.REGIONS_FIXTURE.read_text(encoding="utf-8"))
    places = sorted({(name, r["level"]) for r in regions for name in [r["name"], *r["aliases"]]})
    words = vocabulary_words()
    code = (
        "import json, sys\n"
        "from pypinyin import lazy_pinyin\n"
        "from cases import placenames\n"
        "placenames.syllables = lambda word: lazy_pinyin(word, errors='ignore')\n"
        "data = json.load(sys.stdin)\n"
        "json.dump([[placenames.english_name(*p) for p in data['places']],"
        " [lazy_pinyin(w, errors='ignore') for w in data['words']]], sys.stdout)\n"
    )
    old_names, old_syllables = json.loads(run("-c", code, stdin=json.dumps({"places": places, "words": words})))
    assert len(places) == 3371 and len(words) > 200
    assert [(p, new, old) for p, old in zip(places, old_names, strict=True) if (new := english_name(*p)) != old] == []
    assert [w for w, old in zip(words, old_syllables, strict=True) if syllables(w) != old] == []
