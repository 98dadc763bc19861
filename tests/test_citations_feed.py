"""Citations (checked by hand against GB/T 7714-2015, BibTeX and RIS) and the Atom feed."""

from datetime import date

import pytest

from cases.citations import bibtex, gbt7714, ris
from cases.models import Case

CITED = date(2026, 11, 22)


@pytest.fixture
def mingshan(seeded):
    return Case.objects.get(county__name="名山区")


@pytest.fixture
def fogang(seeded):
    return Case.objects.get(county__name="佛冈县")


def test_gbt7714(mingshan, fogang):
    assert gbt7714(mingshan, "https://cases.example.cn/c/19/", CITED) == (
        "“全程代办”实现农村公共服务“零距离”[EB/OL]. 乡村公共服务案例库[2026-11-22]. https://cases.example.cn/c/19/."
    )
    assert gbt7714(fogang, "https://cases.example.cn/c/52/", CITED) == (
        "清研智库社会发展研究部. 深入开展扫黑除恶宣传[EB/OL]. 乡村公共服务案例库, 2021[2026-11-22]. "
        "https://cases.example.cn/c/52/."
    )


def test_bibtex_names_the_issuing_body_as_author_and_never_invents_one(mingshan, fogang):
    assert bibtex(mingshan, "https://cases.example.cn/c/19/", CITED) == (
        f"@misc{{caselib-{mingshan.slug},\n"
        "  title = {“全程代办”实现农村公共服务“零距离”},\n"
        "  howpublished = {\\url{https://cases.example.cn/c/19/}},\n"
        "  organization = {乡村公共服务案例库},\n"
        "  urldate = {2026-11-22},\n"
        "  note = {来源：“足不出村”办政务打通村民办事“最后一公里”等23篇}\n"
        "}\n"
    )
    assert bibtex(fogang, "https://cases.example.cn/c/52/", CITED) == (
        f"@misc{{caselib-{fogang.slug},\n"
        "  title = {深入开展扫黑除恶宣传},\n"
        "  author = {{清研智库社会发展研究部}},\n"
        "  year = {2021},\n"
        "  howpublished = {\\url{https://cases.example.cn/c/52/}},\n"
        "  organization = {乡村公共服务案例库},\n"
        "  urldate = {2026-11-22},\n"
        "  note = {来源：全国乡村振兴系统建设和工作推进电视电话会议等17篇}\n"
        "}\n"
    )


def test_ris(mingshan, fogang):
    assert ris(mingshan, "https://cases.example.cn/c/19/", CITED) == (
        "TY  - ELEC\nTI  - “全程代办”实现农村公共服务“零距离”\nPB  - 乡村公共服务案例库\n"
        "UR  - https://cases.example.cn/c/19/\nY2  - 2026/11/22\n"
        "N1  - 来源：“足不出村”办政务打通村民办事“最后一公里”等23篇\nKW  - 代办服务\nER  - \n"
    )
    assert ris(fogang, "https://cases.example.cn/c/52/", CITED) == (
        "TY  - ELEC\nTI  - 深入开展扫黑除恶宣传\nAU  - 清研智库社会发展研究部\nPY  - 2021\nPB  - 乡村公共服务案例库\n"
        "UR  - https://cases.example.cn/c/52/\nY2  - 2026/11/22\n"
        "N1  - 来源：全国乡村振兴系统建设和工作推进电视电话会议等17篇\nKW  - 扫黑除恶\nER  - \n"
    )


def test_a_case_and_a_list_can_be_downloaded_in_each_style(client, mingshan):
    bib = client.get(f"/cases/{mingshan.slug}/cite.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert f"howpublished = {{\\url{{http://testserver/c/{mingshan.pk}/}}}}" in bib.content.decode()
    listing = client.get("/cases/cite.txt", {"province": "640000", "sort": "title"}).content.decode()
    assert listing.startswith("[1] “互联网+”打通农村人饮工程“最后100米”[EB/OL]. ")
    assert "\n[2] 危窑危房换新颜 圆梦安居暖心房[EB/OL]. " in listing
    assert client.get("/cases/cite.ris", {"province": "640000"}).content.decode().count("TY  - ELEC") == 2


def test_drafts_cannot_be_cited(client, seeded):
    draft = Case.objects.filter(status=Case.Status.DRAFT).exclude(title="").first()
    assert client.get(f"/cases/{draft.slug}/cite.bib").status_code == 404


def test_the_atom_feed_follows_a_filtered_list(client, seeded):
    response = client.get("/cases/feed/", {"province": "370000", "theme": "elderly-care"})
    xml = response.content.decode()
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert '<link href="http://testserver/cases/feed/?province=370000&amp;theme=elderly-care" rel="self"/>' in xml
    assert xml.count("<entry>") == 1
    assert "<title>依托“暖心食堂”构建新型农村养老服务体系</title>" in xml
    assert '<category term="农村养老服务"/>' in xml


def _docx_text(content: bytes) -> list[str]:
    import io

    from docx import Document

    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_one_case_as_a_word_document(client, mingshan):
    response = client.get(f"/cases/{mingshan.slug}/export.docx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = _docx_text(response.content)
    assert text[0] == "“全程代办”实现农村公共服务“零距离”"
    assert text[1] == "四川省 › 雅安市 › 名山区 · 案例"
    assert "摘要" in text and mingshan.summary in text
    assert text[-1].startswith(
        "来源：“足不出村”办政务打通村民办事“最后一公里”等23篇（第 19 篇）  链接：http://testserver/c/"
    )


def test_the_filtered_list_as_a_compilation_with_a_table_of_contents(client, seeded):
    response = client.get("/cases/export.docx", {"province": "640000", "sort": "title"})
    text = _docx_text(response.content)
    assert text[:4] == [
        "乡村公共服务案例汇编",
        "共 2 个案例。筛选条件：省份：宁夏回族自治区；排序：标题。",
        "目录",
        "（打开文档后右键“更新域”生成带页码的目录）",
    ]
    assert text[4:6] == ["1. “互联网+”打通农村人饮工程“最后100米”", "2. 危窑危房换新颜 圆梦安居暖心房"]
    import io
    import zipfile

    assert b'TOC \\o "1-2"' in zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml")
