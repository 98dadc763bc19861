"""Citations of cases: GB/T 7714-2015, BibTeX and RIS.

A case is cited as an electronic resource ([EB/OL]) of the library, by its
short stable link.  The responsible party is the source's publisher when the
source names one; the citation date is the day of the citation.
"""

from __future__ import annotations

from datetime import date

PORTAL = "乡村公共服务案例库"


def _author(case) -> str:
    return case.source.publisher if case.source_id and case.source.publisher else ""


def gbt7714(case, url: str, cited: date) -> str:
    """GB/T 7714-2015: 主要责任者. 题名[EB/OL]. 出版者, 出版年[引用日期]. 获取和访问路径."""
    author = _author(case)
    year = f", {case.year}" if case.year else ""
    head = f"{author}. " if author else ""
    return f"{head}{case.title}[EB/OL]. {PORTAL}{year}[{cited:%Y-%m-%d}]. {url}."


def _bib_escape(value: str) -> str:
    return "".join("\\" + c if c in "{}%&$#_" else c for c in value)


def bibtex(case, url: str, cited: date) -> str:
    fields = [("title", "{" + _bib_escape(case.title) + "}")]
    author = _author(case)
    # Double braces: a corporate author, not a person's name to split.
    fields.append(("author", "{{" + _bib_escape(author or PORTAL) + "}}"))
    if case.year:
        fields.append(("year", str(case.year)))
    fields += [
        ("howpublished", "\\url{" + url + "}"),
        ("organization", "{" + PORTAL + "}"),
        ("urldate", f"{cited:%Y-%m-%d}"),
    ]
    if case.source_id:
        fields.append(("note", "{来源：" + _bib_escape(str(case.source)) + "}"))
    body = ",\n".join(
        f"  {name} = {{{value}}}" if not value.startswith("{") else f"  {name} = {value}" for name, value in fields
    )
    return f"@misc{{caselib-{case.slug},\n{body}\n}}\n"


def ris(case, url: str, cited: date) -> str:
    lines = ["TY  - ELEC", f"TI  - {case.title}"]
    author = _author(case)
    if author:
        lines.append(f"AU  - {author}")
    if case.year:
        lines.append(f"PY  - {case.year}")
    lines += [f"PB  - {PORTAL}", f"UR  - {url}", f"Y2  - {cited:%Y/%m/%d}"]
    if case.source_id:
        lines.append(f"N1  - 来源：{case.source}")
    lines += [f"KW  - {tag}" for tag in sorted(t.name for t in case.tags.all())]
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


STYLES = {"gbt7714": (gbt7714, "txt", "text/plain"), "bibtex": (bibtex, "bib", "application/x-bibtex"),
          "ris": (ris, "ris", "application/x-research-info-systems")}  # fmt: skip


def cite_many(cases, style: str, url_for, cited: date) -> str:
    """The citations of a list, one after the other (numbered for GB/T 7714)."""
    render = STYLES[style][0]
    if style == "gbt7714":
        return "".join(f"[{i}] {render(case, url_for(case), cited)}\n" for i, case in enumerate(cases, start=1))
    return "\n".join(render(case, url_for(case), cited) for case in cases)
