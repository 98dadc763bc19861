"""On-the-fly exports within bounds, and for people: limits per format, a few at once, a time
cap, Chinese headers or codes, filters in words, file names that say what was filtered."""

import csv
import io
import os
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases import limits
from cases.export import HEADERS, TABULAR_FIELDS
from cases.models import Case, ExportSlot


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def two_slots(settings):
    settings.EXPORT_SLOTS = 2
    settings.EXPORT_RETRY_AFTER = 7


def test_csv_and_xlsx_have_chinese_headers_by_default_and_codes_when_asked(seeded, client):
    text = body(client.get("/cases/export.csv?county=150207")).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == [HEADERS[name] for name in TABULAR_FIELDS]
    assert header[:4] == ["编号", "短标识", "链接", "标题"]
    assert row[TABULAR_FIELDS.index("doc_type")] == "案例"  # in words for people
    assert row[TABULAR_FIELDS.index("status")] == "已发布"

    text = body(client.get("/cases/export.csv?county=150207&headers=codes")).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == TABULAR_FIELDS
    assert (row[TABULAR_FIELDS.index("doc_type")], row[TABULAR_FIELDS.index("status")]) == ("case", "published")

    sheet = load_workbook(io.BytesIO(body(client.get("/cases/export.xlsx?county=150207")))).worksheets[0]
    assert [c.value for c in sheet[1]] == [HEADERS[name] for name in TABULAR_FIELDS]
    sheet = load_workbook(io.BytesIO(body(client.get("/cases/export.xlsx?county=150207&headers=codes")))).worksheets[0]
    assert [c.value for c in sheet[1]] == TABULAR_FIELDS


def test_the_data_dictionary_documents_both_headers_and_the_limits(seeded, client):
    html = client.get("/cases/export/fields").content.decode()
    assert "<td>区划代码</td><td><code>region_code</code></td>" in html
    assert "headers=codes" in html
    assert '<li>CSV：不限数量 <span lang="en">any size</span></li>' in html
    assert '<li>JSON：不限数量 <span lang="en">any size</span></li>' in html
    assert '<li>Excel：最多 20000 个案例 <span lang="en">up to 20000 cases</span></li>' in html
    assert "<li>Word：最多 500 个案例" in html and "<li>引文 Citations：最多 2000 个案例" in html
    assert "生成超过 60 秒的导出不会发送（503）" in html


def _names(response) -> tuple[str, str]:
    disposition = response["Content-Disposition"]
    fallback = disposition.split('filename="')[1].split('"')[0]
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    return name, fallback


def test_file_names_say_what_was_filtered_and_when(seeded, client):
    day = timezone.localdate().isoformat()
    response = client.get("/cases/export.xlsx?province=370000&theme=elderly-care")
    assert _names(response) == (f"乡村公共服务案例_山东省_农村养老服务_{day}.xlsx", f"rural-cases_{day}.xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="rural-cases_')
    body(response)  # read to its end, as a browser does: its export slot is free again

    response = client.get("/cases/export.csv?doc_type=news&year_min=2021&sort=title")
    assert _names(response)[0] == f"乡村公共服务案例_新闻_2021年及以后_{day}.csv"
    body(response)
    response = client.get("/cases/export.docx?province=640000")
    assert _names(response)[0] == f"乡村公共服务案例_宁夏回族自治区_{day}.docx"
    response = client.get("/cases/cite.bib?province=640000")
    assert _names(response)[0] == f"乡村公共服务案例_宁夏回族自治区_{day}.bib"
    assert response["Content-Disposition"].startswith("inline; ")


def test_a_file_name_never_carries_what_a_file_system_refuses(seeded, client):
    day = timezone.localdate().isoformat()
    response = client.get("/cases/export.json", {"q": 'a/b:c*"养老"\t'})
    assert _names(response)[0] == f"乡村公共服务案例_a-b-c-养老_{day}.json"
    body(response)


def test_json_meta_has_the_filters_in_words_beside_the_codes(seeded, client):
    import json

    data = json.loads(body(client.get("/cases/export.json?province=370000&theme=elderly-care")))
    assert data["meta"]["filters"] == {"province": "370000", "theme": "elderly-care"}
    assert data["meta"]["filters_in_words"] == {"省份": "山东省", "主题": "农村养老服务"}
    assert data["meta"]["fields"]["region_code"]["header"] == "区划代码"


@pytest.mark.parametrize(
    ("fmt", "setting"), [("docx", "docx"), ("xlsx", "xlsx"), ("bib", "cite"), ("csv", "csv"), ("json", "json")]
)
def test_a_list_beyond_its_formats_limit_is_refused_with_a_link_to_the_release(seeded, client, settings, fmt, setting):
    from cases.models import Release

    Release.objects.create(name="2026-11-30", library_version=7, case_count=45)
    settings.EXPORT_LIMITS = {**settings.EXPORT_LIMITS, setting: 2}
    path = f"/cases/cite.{fmt}" if fmt == "bib" else f"/cases/export.{fmt}"
    within = client.get(path, {"province": "640000"})  # two cases
    assert within.status_code == 200 and body(within)
    response = client.get(path, {"province": "510000"})
    html = response.content.decode()
    assert response.status_code == 422
    count = Case.objects.published().filter(province="510000").count()
    assert f"当前列表共 {count} 个案例" in html and "最多 2 个" in html
    assert "the Word export of a list is limited to 2 cases" in html or fmt != "docx"  # the format is named
    assert 'href="/data/#release-2026-11-30"' in html and "最新数据发布 2026-11-30（v7，45 个案例）" in html
    assert not ExportSlot.objects.exclude(holder="").exists()  # refused before taking a slot


def test_a_download_is_built_whole_and_sent_with_its_length(seeded, client):
    for fmt in ("csv", "json", "xlsx"):
        response = client.get(f"/cases/export.{fmt}?province=510000")
        content = body(response)
        assert response.status_code == 200 and int(response["Content-Length"]) == len(content) > 0
    assert not ExportSlot.objects.exclude(holder="").exists()  # each slot freed once its file was built


def test_a_built_file_holds_its_slot_until_it_is_sent(seeded, client, settings):
    """A worker sending a large file to a slow client is as busy as one building it."""
    settings.EXPORT_SLOTS = 1
    settings.EXPORT_SMALL = {}  # every list takes a slot here
    sending = client.get("/cases/export.csv?province=510000")  # built; its first byte not yet read
    assert sending.status_code == 200
    assert client.get("/cases/export.json?province=640000").status_code == 429
    assert client.get("/cases/figures.csv?province=640000").status_code == 429
    content = body(sending)  # sent: the slot is free again
    assert len(content) == int(sending["Content-Length"])
    assert not ExportSlot.objects.exclude(holder="").exists()
    then = client.get("/cases/export.json?province=640000")
    assert then.status_code == 200 and body(then)
    word = client.get("/cases/export.docx?province=640000")  # built in memory, sent at once
    assert word.status_code == 200 and not ExportSlot.objects.exclude(holder="").exists()


def test_a_third_export_waits_while_two_are_running(seeded, client, two_slots, settings):
    settings.EXPORT_SMALL = {}  # no list is small enough to be built without a slot
    first, second = limits.take(), limits.take()  # two builds running, in any workers
    refused = client.get("/cases/export.xlsx?province=640000")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "7"
    assert "当前导出请求较多，请稍后再试" in refused.content.decode()
    assert "Too many exports are running right now" in refused.content.decode()
    for path in ("/cases/export.csv", "/cases/export.json?province=640000", "/cases/export.docx?province=640000",
                 "/cases/cite.ris?province=640000"):  # fmt: skip
        assert client.get(path).status_code == 429
    first.release()
    response = client.get("/cases/export.csv?province=640000")
    assert response.status_code == 200 and body(response)
    assert ExportSlot.objects.exclude(holder="").count() == 1  # the build's slot is free again, the other still held
    second.release()


def test_a_small_list_is_built_at_once_while_every_slot_is_taken(seeded, client, two_slots, settings):
    settings.EXPORT_SMALL = {**settings.EXPORT_SMALL, "csv": 2}
    first, second = limits.take(), limits.take()
    response = client.get("/cases/export.csv?province=640000")  # 2 cases
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))) == 1 + 2
    larger = Case.objects.published().filter(province="510000").count()
    assert larger > 2
    assert client.get("/cases/export.csv?province=510000").status_code == 429  # not small: it waits for a slot
    assert client.get("/cases/export.xlsx?province=640000").status_code == 429  # Excel always takes a slot
    assert set(ExportSlot.objects.exclude(holder="").values_list("holder", flat=True)) == {first.holder, second.holder}
    first.release()
    second.release()


def test_the_limit_holds_across_workers_because_it_is_kept_in_the_database(seeded, two_slots):
    # Two workers' slots are rows: a third take fails whoever asks.
    first, second = limits.take(), limits.take()
    with pytest.raises(limits.Busy):
        limits.take()
    second.release()
    third = limits.take()
    assert third.pk == second.pk and third.holder != second.holder
    second.release()  # a late second release does not free the slot someone else now holds
    assert ExportSlot.objects.get(pk=third.pk).holder == third.holder
    first.release()
    third.release()


def test_a_slot_whose_worker_died_frees_itself_after_its_lease(seeded, two_slots):
    limits.take(), limits.take()
    dead = ExportSlot.objects.get(pool="export", number=1)
    ExportSlot.objects.filter(pk=dead.pk).update(until=timezone.now() - timedelta(seconds=1))
    assert limits.take().pk == dead.pk


def test_no_export_runs_past_its_time(seeded, client, settings, monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a folder of its own: /tmp is shared with other runs
    settings.EXPORT_SECONDS = -1  # already past
    response = client.get("/cases/export.xlsx")
    assert not list(tmp_path.glob("openpyxl.*"))  # the unfinished sheet is gone
    assert response.status_code == 503
    assert "导出超时" in response.content.decode()
    for fmt in ("csv", "json"):  # refused before any byte is sent: never a cut download
        response = client.get(f"/cases/export.{fmt}")
        assert response.status_code == 503 and "导出超时" in response.content.decode()
    assert not ExportSlot.objects.exclude(holder="").exists()


def test_the_word_compilation_writes_its_filters_in_words(seeded, client):
    import docx

    response = client.get("/cases/export.docx", {"theme": "elderly-care", "province": "370000"})
    text = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert text[1] == "共 1 个案例。筛选条件：省份：山东省；主题：农村养老服务。"


def test_a_filtered_list_of_any_size_downloads_whole_in_csv_and_json(seeded, client):
    """Beyond the 20,000 cases a workbook holds: CSV and JSON have no largest list (issue 20)."""
    import json

    from cases.models import Region, Source

    source = Source.objects.create(file_name="large.txt", title="大量案例", sha256="0" * 64, raw_text="x")
    province = Region.objects.get(code="620000")
    count = 20_500
    Case.objects.bulk_create(
        [
            Case(
                slug=f"large-{n}",
                title=f"大量案例{n}",
                summary="摘要",
                body="正文",
                province=province,
                region_label="甘肃",
                year=1990,
                status=Case.Status.PUBLISHED,
                source=source,
                ordinal=n + 1,
                span_start=0,
                span_end=2,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    response = client.get("/cases/export.csv?year_max=1990&headers=codes")
    content = body(response)
    assert response.status_code == 200 and int(response["Content-Length"]) == len(content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == count + 1 and rows[1][1] == f"large-{count - 1}" and rows[-1][1] == "large-0"
    data = json.loads(body(client.get("/cases/export.json?year_max=1990")))
    assert data["meta"]["count"] == len(data["cases"]) == count
    assert client.get("/cases/export.xlsx?year_max=1990").status_code == 422  # a workbook still has its limit


@pytest.mark.parametrize(
    ("environ", "expected"), [({}, max(1, (os.cpu_count() or 2) // 2)), ({"EXPORT_SLOTS": "3"}, 3)]
)
def test_one_export_slot_per_two_cores_unless_configured(environ, expected):
    """Two builds at once on two cores left readers queued for seconds (bench/README.md): one per two cores."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "EXPORT_SLOTS"} | environ
    out = subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.EXPORT_SLOTS)"],
        env=env, capture_output=True, text=True, check=True, cwd=os.path.dirname(os.path.dirname(__file__)),
    )  # fmt: skip
    assert out.stdout.strip() == str(expected)
