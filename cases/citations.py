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


# A year in doubt (year-conflict): GB/T 7714 puts an uncertain year in square brackets; BibTeX
# and RIS say so in a note.
DOUBT = "年份存疑：文中年份与落款日期不一致"


def gbt7714(case, url: str, cited: date) -> str:
    """GB/T 7714-2015: 主要责任者. 题名[EB/OL]. 出版者, 出版年[引用日期]. 获取和访问路径."""
    author = _author(case)
    year = (f", [{case.year}]" if case.year_in_doubt else f", {case.year}") if case.year else ""
    head = f"{author}. " if author else ""
    return f"{head}{case.title}[EB/OL]. {PORTAL}{year}[{cited:%Y-%m-%d}]. {url}."


def _bib_escape(value: str) -> str:
    return "".join("\\" + c if c in "{}%&$#_" else c for c in value)


def bibtex(case, url: str, cited: date) -> str:
    fields = [("title", "{" + _bib_escape(case.title) + "}")]
    author = _author(case)
    if author:  # the issuing body, never an invented one (the library is the publisher, not the author)
        # Double braces: a corporate author, not a person's name to split.
        fields.append(("author", "{{" + _bib_escape(author) + "}}"))
    if case.year:
        fields.append(("year", str(case.year)))
    fields += [
        ("howpublished", "\\url{" + url + "}"),
        ("organization", "{" + PORTAL + "}"),
        ("urldate", f"{cited:%Y-%m-%d}"),
    ]
    notes = [f"来源：{_bib_escape(str(case.source))}"] if case.source_id else []
    notes += [DOUBT] if case.year_in_doubt else []
    if notes:
        fields.append(("note", "{" + "；".join(notes) + "}"))
    return _misc(f"caselib-{case.slug}", fields)


def _misc(key: str, fields: list[tuple[str, str]]) -> str:
    """A BibTeX @misc entry; a value not braced already is braced."""
    body = ",\n".join(f"  {name} = {value if value.startswith('{') else '{' + value + '}'}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


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
    if case.year_in_doubt:
        lines.append(f"N1  - {DOUBT}")
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


# ---- A data release (cases/release.py) as a dataset: [DS/OL] in GB/T 7714, @misc in BibTeX, DATA in RIS.


def release_gbt7714(release, url: str, cited: date) -> str:
    """题名[DS/OL]. 出版者, 出版年[引用日期]. 获取和访问路径. (No author: the library is the publisher.)"""
    return f"{_release_title(release)}[DS/OL]. {PORTAL}, {release.created:%Y}[{cited:%Y-%m-%d}]. {url}."


def release_bibtex(release, url: str, cited: date) -> str:
    fields = [
        ("title", "{" + _bib_escape(_release_title(release)) + "}"),
        ("year", f"{release.created:%Y}"),
        ("version", release.label),
        ("publisher", "{" + PORTAL + "}"),
        ("howpublished", "\\url{" + url + "}"),
        ("urldate", f"{cited:%Y-%m-%d}"),
        ("note", f"{{{release.case_count} 个案例 cases}}"),
    ]
    return _misc(f"caselib-release-{release.name}", fields)


def release_ris(release, url: str, cited: date) -> str:
    lines = ["TY  - DATA", f"TI  - {_release_title(release)}", f"PY  - {release.created:%Y}", f"PB  - {PORTAL}",
             f"ET  - {release.label}", f"UR  - {url}", f"Y2  - {cited:%Y/%m/%d}", "ER  - "]  # fmt: skip
    return "\n".join(lines) + "\n"


def _release_title(release) -> str:
    return f"{PORTAL} 数据发布 {release.name} ({release.label})"
