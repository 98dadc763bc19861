import gzip

import pytest
from django.core.management import CommandError, call_command

from cases.ingest.decode import BadInput, decode_document
from cases.models import Case, Source

REPORT = (
    "四川省雅安市名山区推行全程代办工作情况汇报\n\n"
    "四川省雅安市名山区探索推行村级事务全程代办制度，设立村级便民服务代办站，实现一站服务不出村。\n"
    "二、主要做法\n推行代办服务一卡通，构建全域覆盖的基本公共服务圈。\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_it_detects_the_encodings_editors_bring(encoding):
    text, found = decode_document(REPORT.encode(encoding))
    assert text == REPORT
    assert found in {encoding.replace("-sig", ""), "utf-8", "gb18030", "utf-16", "utf-16-le"}


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "文件为空"),
        (b"   \n\n ", "文件为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是文本文件"),
        (gzip.compress(REPORT.encode()), "不是文本文件"),
        (b"\xc3\x28\xa0\xa1\xff" * 20, "无法识别文件编码"),
        (b"a" * (10 * 1024 * 1024 + 1), "文件过大"),
        ("。。。，，，！！！\n……——\n".encode(), "没有可读的文字"),
        (b"123456\n2020 2021\n-- 3.14 --\n", "没有可读的文字"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(data, message):
    with pytest.raises(BadInput, match=message):
        decode_document(data)


def test_import_text_saves_drafts_under_a_new_source(db, tmp_path, capsys):
    path = tmp_path / "mingshan.txt"
    path.write_bytes(REPORT.encode("gb18030"))
    call_command("import_text", str(path), "--title", "名山代办", "--publisher", "雅安市")
    assert "import_text: mingshan.txt (gb18030): created 1" in capsys.readouterr().out
    source = Source.objects.get(file_name="mingshan.txt")
    assert (source.title, source.publisher) == ("名山代办", "雅安市")
    case = Case.objects.get(source=source)
    assert case.title == "四川省雅安市名山区推行全程代办工作情况汇报"
    assert case.county.name == "名山区"
    assert case.status == Case.Status.DRAFT


def test_importing_the_same_document_twice_does_not_duplicate_it(db, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(REPORT, encoding="utf-8")
    before = (Source.objects.count(), Case.objects.count())
    call_command("import_text", str(path))
    call_command("import_text", str(path))
    assert (Source.objects.count(), Case.objects.count()) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "文件为空"),
        (b"\x00\x01\x02binary\x00" * 100, "不是文本文件"),
        (b"\xc3\x28\xa0\xa1\xff" * 50, "无法识别文件编码"),
        ("，。；：！？".encode("gb18030") * 40, "没有可读的文字"),
    ],
)
def test_import_text_fails_atomically_with_one_line(db, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = (Source.objects.count(), Case.objects.count())
    with pytest.raises(CommandError, match=message) as error:
        call_command("import_text", str(path))
    assert "\n" not in str(error.value)
    assert (Source.objects.count(), Case.objects.count()) == before


def test_import_text_of_a_missing_file_says_so(db):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_text", "/nonexistent/file.txt")


def test_import_text_exits_non_zero_from_the_shell(db, tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_text", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DATABASE_URL": "sqlite:///" + str(tmp_path / "x.sqlite3")},
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == "CommandError: import_text: empty.txt: 文件为空"
