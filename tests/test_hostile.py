"""Hostile files: a clear error, bounded memory and time, nothing written.

Each file goes through both doors an editor has: the `import_text` command
and the admin's document import."""

import gzip
import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import Case, Source

SECONDS = 10  # each refusal must come far faster than this


def zip_bomb() -> bytes:
    """200 MB of zeros in a ~200 KB zip, named like a text file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("cases.txt", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()


HOSTILE = {
    "zip-bomb.txt": (zip_bomb, "不是文本文件"),
    "gzip-bomb.txt": (lambda: gzip.compress(b"\0" * (50 << 20)), "不是文本文件"),
    "nul-bytes.txt": (lambda: "乡村养老服务。\n".encode() * 100 + b"\0\0\0" + b"x" * 100, "不是文本文件"),
    "invalid-gb18030.txt": (lambda: b"\x81\x30\xff\xfe" * 500 + b"\xc3\x28" * 100, "无法识别文件编码"),
    "long-line.txt": (lambda: ("乡村公共服务" * 50_000).encode(), "有一行长达"),
    "question-marks.txt": (lambda: ("??养老服务\n" * 3000).encode(), "乱码过多"),
    "over-10mb.txt": (lambda: ("乡村养老服务中心。\n" * 400_000).encode(), "文件过大"),
}


@pytest.fixture
def counts(db):
    return lambda: (Source.objects.count(), Case.objects.count())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_import_text_refuses_hostile_files(counts, tmp_path, name):
    make, message = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    before = counts()
    started = time.monotonic()
    with pytest.raises(CommandError, match=message):
        call_command("import_text", str(path))
    assert time.monotonic() - started < SECONDS
    assert counts() == before


def test_a_100_mb_file_is_refused_without_reading_it_into_memory(counts, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # 100 MB of plausible text
        line = "乡村公共服务案例：养老、教育、供水。\n".encode() * 1000
        while handle.tell() < 100 << 20:
            handle.write(line)
    before = counts()
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_text", str(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 25 << 20, f"peak {peak / 1e6:.0f} MB"
    assert time.monotonic() - started < SECONDS
    assert counts() == before


@pytest.fixture
def editor_client(db, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases.roles import EDITOR

    user = get_user_model().objects.create_user("editor", password="Rural-case-2026!", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(set(HOSTILE) - {"over-10mb.txt"}))
def test_the_admin_import_refuses_hostile_files(editor_client, counts, name):
    make, message = HOSTILE[name]
    before = counts()
    response = editor_client.post(
        reverse("admin:cases_case_import"), {"step": "preview", "file": SimpleUploadedFile(name, make())}
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "没有保存任何内容" in page
    assert counts() == before


def test_an_oversized_request_is_refused_before_its_body_is_read(editor_client, counts):
    before = counts()
    response = editor_client.generic(
        "POST",
        reverse("admin:cases_case_import"),
        data=b"x" * 1024,
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(100 << 20),
    )
    assert response.status_code == 413
    assert counts() == before


def test_a_pasted_document_of_10_mb_is_accepted_for_preview_size_wise(editor_client):
    # Below the request limit, above Django's default 2.5 MB: the size itself is not an error.
    text = "第一篇：浙江安吉推行公交\n\n安吉县开通镇村公交线路，实现建制村公交全覆盖。\n" * 20
    response = editor_client.post(
        reverse("admin:cases_case_import"), {"step": "preview", "text": text + " " * (3 << 20)}
    )
    assert response.status_code == 200


def test_hostile_samples_are_what_they_claim():
    assert len(zip_bomb()) < 1 << 20  # a real bomb: tiny on disk
    assert len(HOSTILE["over-10mb.txt"][0]()) > 10 << 20


def test_a_compared_case_titled_as_a_formula_is_text_in_the_workbook(client, db):
    from openpyxl import load_workbook

    from tests.factories import CaseFactory

    cases = [CaseFactory(title='=HYPERLINK("http://evil.example","点我")'), CaseFactory(title="安吉县互助养老")]
    response = client.get(reverse("compare_export", args=["xlsx"]), {"ids": ",".join(str(c.pk) for c in cases)})
    assert response.status_code == 200
    header = [cell.value for cell in next(load_workbook(io.BytesIO(response.content)).active.iter_rows())]
    assert header[1:] == ['\'=HYPERLINK("http://evil.example","点我")', "安吉县互助养老"]
