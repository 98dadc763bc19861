"""Word, PDF and saved web pages: read into the pipeline's text, imported end to end through
`import_text` and the admin's 导入文档.  Every file is written by the test (tests/samples.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.ingest.decode import BadInput
from cases.ingest.formats import read_document
from cases.models import Case, Source
from tests import samples

from .test_admin import confirm_data

# What every format must read: the collection's paragraphs in order, one a line.
PARAGRAPHS = [samples.TITLE, samples.OPENING]
for _n, (_title, _paragraphs, _outcome) in enumerate(samples.ARTICLES):
    PARAGRAPHS += [samples.heading(_n, _title), *_paragraphs, _outcome]
TABLE_ROWS = [" | ".join(row) for row in samples.TABLE]
AFTER_TABLE = PARAGRAPHS.index(samples.ARTICLES[0][2])  # the table stands before the first outcome
WITH_TABLE = PARAGRAPHS[:AFTER_TABLE] + TABLE_ROWS + PARAGRAPHS[AFTER_TABLE:]


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


# ---- reading each format ---------------------------------------------------------------------


def test_a_word_file_gives_its_paragraphs_headings_and_tables_as_lines():
    extracted = read_document("选编.docx", samples.make_docx())
    assert extracted.format == "docx"
    assert lines(extracted.text) == WITH_TABLE
    # A heading starts a block of its own, as in a document saved as text.
    assert f"\n\n{samples.heading(1, samples.SECOND)}\n" in extracted.text


def test_a_merged_table_cell_is_read_once():
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["地点", "做法", "成效"], strict=True):
        cell.text = value
    table.cell(1, 0).merge(table.cell(1, 1)).text = "安吉县城乡公交"
    table.cell(1, 2).text = "全覆盖"
    buffer = io.BytesIO()
    document.save(buffer)
    assert lines(read_document("t.docx", buffer.getvalue()).text) == ["地点 | 做法 | 成效", "安吉县城乡公交 | 全覆盖"]


def test_a_word_list_keeps_the_numbers_word_draws_before_its_items():
    import docx

    document = docx.Document()
    document.add_paragraph("第一批乡村公共服务典型案例名单")
    for place in ("北京市昌平区：村级互助养老", "天津市蓟州区：城乡公交一体化", "河北省正定县：儿童之家"):
        document.add_paragraph(place, style="List Number")
    document.add_paragraph("以上名单排名不分先后。")
    buffer = io.BytesIO()
    document.save(buffer)
    assert lines(read_document("名单.docx", buffer.getvalue()).text) == [
        "第一批乡村公共服务典型案例名单",
        "1.北京市昌平区：村级互助养老",
        "2.天津市蓟州区：城乡公交一体化",
        "3.河北省正定县：儿童之家",
        "以上名单排名不分先后。",
    ]


def test_paragraphs_in_word_content_controls_are_read_in_their_place():
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("正文第一段。")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    control = f'<w:sdt xmlns:w="{w}"><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件里的标题</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    document.element.body.insert(0, parse_xml(control))
    buffer = io.BytesIO()
    document.save(buffer)
    assert lines(read_document("控件.docx", buffer.getvalue()).text) == ["控件里的标题", "正文第一段。"]


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (120, "120")])
def test_chinese_list_numbers(n, text):
    from cases.ingest.formats import NUMBER_FORMATS

    assert NUMBER_FORMATS["chineseCounting"](n) == text


def test_a_pdf_is_read_in_paragraphs_without_its_running_header_and_page_numbers():
    import pypdfium2 as pdfium

    data = samples.make_pdf()
    document = pdfium.PdfDocument(data)
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    document.close()
    # The sample is what it claims: two pages, each with the header and a page number, and a
    # paragraph that the first page's end cuts.
    assert len(pages) == 2 and all(samples.RUNNING_HEADER in page for page in pages)
    assert pages[0].rstrip().endswith("- 1 -") and samples.PAGE_BREAK_AFTER not in pages[0]
    extracted = read_document("选编.pdf", data)
    assert extracted.format == "pdf"
    assert lines(extracted.text) == PARAGRAPHS


@pytest.mark.parametrize(
    "line, page_number",
    [("- 3 -", True), ("— 12 —", True), ("第 3 页", True), ("第3页 共10页", True), ("3/10", True), ("7", True)]
    + [("2020", False), ("2020年", False), ("第三篇", False), ("- 主要做法 -", False)],
)
def test_page_numbers_at_a_page_edge_are_told_from_a_lone_year(line, page_number):
    from cases.ingest.formats import PAGE_NUMBER

    assert bool(PAGE_NUMBER.match(line)) is page_number


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_saved_web_page_gives_its_main_text_title_and_date(encoding):
    extracted = read_document("选编.html", samples.make_html(encoding))
    assert extracted.format == f"html, {'gb18030' if encoding == 'gbk' else encoding}"
    assert (extracted.title, extracted.date) == (samples.TITLE, "2023-06-04")
    # The page's date stands under its title, as on the page; menus, breadcrumbs, share buttons,
    # scripts and the footer are gone.
    assert lines(extracted.text) == [WITH_TABLE[0], "发布时间：2023-06-04", *WITH_TABLE[1:]]


@pytest.mark.parametrize(
    "head, title, date",
    [
        ('<meta property="article:published_time" content="2021-06-04T08:00:00+08:00">', "页面题目", "2021-06-04"),
        ('<meta name="publishdate" content="2020-1-5">', "页面题目", "2020-01-05"),
        ('<meta name="PubDate" content="2019/12/31 10:00">', "页面题目", "2019-12-31"),
        ('<meta name="ArticleTitle" content="文章自己的题目">', "文章自己的题目", ""),
        ('<meta property="og:title" content="分享用的题目">', "分享用的题目", ""),
        ("", "页面题目", ""),
    ],
)
def test_a_web_page_title_and_date_come_from_its_meta_tags(head, title, date):
    body = "<p>" + "某县在全县各村设立便民服务代办点，由村干部担任代办员，群众办事不出村。" * 3 + "</p>"
    page = f"<html><head><title>页面题目 - 某某县人民政府网站</title>{head}</head><body>{body}</body></html>"
    extracted = read_document("page.htm", page.encode())
    assert (extracted.title, extracted.date) == (title, date)
    assert lines(extracted.text)[0] == title


def test_a_web_page_without_a_doctype_is_told_by_its_content():
    page = "<html><head><title>乡村公交</title></head><body><p>安吉县开通镇村公交线路，实现全覆盖。</p></body></html>"
    extracted = read_document("download", page.encode())
    assert extracted.format.startswith("html") and "<p>" not in extracted.text


def zip_with(name: str, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(size >> 20):
                member.write(b" " * (1 << 20))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("加密.pdf", samples.make_encrypted_pdf, "PDF 文件已加密"),
        ("扫描件.pdf", samples.make_scanned_pdf, "需要先做文字识别（OCR）"),
        ("坏的.pdf", lambda: b"%PDF-1.4\n\x00\x01 not really a pdf", "PDF 文件已损坏"),
        ("改了名的.pdf", lambda: "乡村公共服务。".encode(), "不是有效的 PDF 文件"),
        ("旧版.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "另存为 .docx"),
        ("坏的.docx", lambda: b"PK\x03\x04 broken", "不是有效的 Word（.docx）文件"),
        ("炸弹.docx", lambda: zip_with("word/document.xml", 101 << 20), "解压后过大"),
        ("别的压缩包.txt", lambda: zip_with("cases.txt", 1 << 20), "不是文本文件"),
        ("空白.html", lambda: b"<!DOCTYPE html><html><body><div>  </div></body></html>", "没有文字"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_one_line(name, make, message):
    with pytest.raises(BadInput, match=message) as error:
        read_document(name, make())
    assert "\n" not in str(error.value)


# ---- end to end: import_text -----------------------------------------------------------------

FORMATS = {"选编.docx": samples.make_docx, "选编.pdf": samples.make_pdf, "选编.html": samples.make_html}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_import_text_reads_each_format_into_draft_cases(db, tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(FORMATS[name]())
    call_command("import_text", str(path))
    fmt = name.rsplit(".", 1)[1].replace("html", "html, utf-8")
    assert f"import_text: {name} ({fmt}): created 2," in capsys.readouterr().out
    source = Source.objects.get(file_name=name)
    assert source.title == samples.TITLE
    cases = list(source.cases.order_by("ordinal"))
    assert [(c.title, c.county_id, c.status) for c in cases] == [
        (samples.FIRST, "330523", "draft"),
        (samples.SECOND, "511803", "draft"),
    ]
    assert samples.HIDDEN in cases[1].body
    assert samples.RUNNING_HEADER not in source.raw_text and "版权所有" not in source.raw_text


def test_import_text_refuses_a_scanned_pdf_in_one_line(db, tmp_path):
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(samples.make_scanned_pdf())
    before = (Source.objects.count(), Case.objects.count())
    with pytest.raises(CommandError, match=r"^import_text: 扫描件.pdf: PDF 没有文字层.*OCR"):
        call_command("import_text", str(path))
    assert (Source.objects.count(), Case.objects.count()) == before


# ---- end to end: the admin's 导入文档 --------------------------------------------------------


@pytest.fixture
def editor(db, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases.roles import EDITOR

    user = get_user_model().objects.create_user("bianji", password="Rural-case-2026!", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(user)
    return user


def upload(client, name: str, data: bytes):
    return client.post(reverse("admin:cases_case_import"), {"step": "preview", "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_admin_previews_and_imports_each_format(editor, client, name):
    response = upload(client, name, FORMATS[name]())
    assert response.status_code == 200, response.content.decode()[:2000]
    rows = response.context["rows"]
    assert [(r["parsed"].title, r["parsed"].county) for r in rows] == [
        (samples.FIRST, "330523"),
        (samples.SECOND, "511803"),
    ]
    assert Source.objects.filter(file_name=name).count() == 0  # a preview saves nothing
    done = client.post(reverse("admin:cases_case_import"), confirm_data(response))
    assert done.status_code == 302
    source = Source.objects.get(file_name=name)
    assert source.title == samples.TITLE
    assert list(source.cases.order_by("ordinal").values_list("title", "status")) == [
        (samples.FIRST, "draft"),
        (samples.SECOND, "draft"),
    ]


def test_the_admin_refuses_an_encrypted_pdf_and_saves_nothing(editor, client):
    before = (Source.objects.count(), Case.objects.count())
    page = upload(client, "加密.pdf", samples.make_encrypted_pdf()).content.decode()
    assert "无法导入：PDF 文件已加密：请先解除密码保护再导入。没有保存任何内容。" in page
    assert (Source.objects.count(), Case.objects.count()) == before
