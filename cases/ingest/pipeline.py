"""From the raw text of one document to its parsed cases: the whole pipeline."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from . import dates, labels, privacy, regions, terrain
from .decode import NO_WORDS, WORDS, BadInput
from .figures import Figure, extract_figures
from .mojibake import REPLACEMENT
from .normalize import normalize_document
from .regions import Gazetteer
from .sections import SECTIONS, split_sections
from .segment import RawItem, _title_like, clean_title, segment
from .themes import doc_type_for, explain_themes, tags_for, themes_for

# Flags that keep a case from being published (cases/quality.py explains them).
BLOCKING = frozenset(
    {"no-title", "region-unknown", "region-ambiguous", "stub", "unrecoverable-characters", "personal-data"}
)
# This many lines dropped as repetitions make a document suspect.
REPEATED_LINES = 5


@dataclass
class ParsedCase:
    ordinal: int
    title: str
    summary: str
    background: str
    measures: str
    outcomes: str
    body: str
    province: str | None
    prefecture: str | None
    county: str | None
    region_label: str
    themes: list[str]
    tags: list[str]
    doc_type: str
    year: int | None
    span: tuple[int, int]
    flags: list[str] = field(default_factory=list)
    conditions: str = ""
    problems: str = ""
    lessons: str = ""
    next_steps: str = ""
    # Key figures, investment, running cost and funding sources, with spans in ``body``.
    figures: list[Figure] = field(default_factory=list)
    terrain: str = ""  # only where the text states it (cases/ingest/terrain.py)
    # Field name -> where its value was read or the rule that decided it ("推断：…" when inferred).
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not BLOCKING & set(self.flags)


@dataclass
class ParsedDocument:
    file_name: str
    sha256: str
    raw: str
    title: str
    kind: str
    publisher: str
    batch: str
    doc_number: str
    year: int | None
    cases: list[ParsedCase]


PUBLISHER = re.compile(r"制作[：:]\s*(\S{2,30})")
BATCH = re.compile(r"第([一二三四五六七八九十\d]+)批")


def shingles(text: str, n: int = 4) -> set[str]:
    """The text's runs of ``n`` characters, white space left out."""
    text = re.sub(r"\s", "", text)
    return {text[i : i + n] for i in range(max(0, len(text) - n + 1))}


def near_duplicate(a: str | set[str], b: str | set[str]) -> bool:
    """The same text, perhaps one a truncated preview of the other.  Either text may be
    given as its ``shingles``, so that one text compared with many is cut up once."""
    sa = a if isinstance(a, set) else shingles(a)
    sb = b if isinstance(b, set) else shingles(b)
    if not sa or not sb:
        return False
    overlap = len(sa & sb)
    return overlap / min(len(sa), len(sb)) >= 0.85


def merge_duplicates(items: list[RawItem]) -> list[RawItem]:
    kept: list[RawItem] = []
    for item in items:
        twin = next((k for k in kept if k.title == item.title and near_duplicate(k.body, item.body)), None)
        if twin is None:
            kept.append(item)
        elif len(item.body) > len(twin.body):
            kept[kept.index(twin)] = item
    return kept


def _body_paragraphs(item: RawItem) -> list[str]:
    paras = [p.text for p in item.paragraphs]
    return paras[1:] if item.title and len(paras) > 1 else paras


def _own_title(item: RawItem) -> tuple[str, list[str], str]:
    """The item's title and body paragraphs, without the labels a page put on the title
    (page numbers, a series' label: the document's own title follows it), and what was cut."""
    title = clean_title(item.title)
    paragraphs = [] if item.stub else _body_paragraphs(item)
    cut = []
    title, page = labels.strip_page_number(title)
    if page:
        cut.append(f"删去页码 ‘{page}’")
    if labels.is_series_label(title) and paragraphs and _title_like(paragraphs[0]):
        cut.append(f"‘{title}’是栏目标签，标题取其后的文件标题")
        title, paragraphs = labels.strip_page_number(clean_title(paragraphs[0]))[0], paragraphs[1:]
    return title, paragraphs, "；".join(cut)


def _fallback_title(items: list[RawItem]) -> str:
    titled = [i for i in items if i.title]
    if not titled:
        return ""
    return f"{titled[0].title}等{len(items)}篇" if len(items) > 1 else titled[0].title


def parse_document(raw: str, file_name: str, gazetteer: Gazetteer, today: date | None = None) -> ParsedDocument:
    latest = (today or date.today()).year
    if not WORDS.search(raw):
        raise BadInput(NO_WORDS)
    doc = normalize_document(raw)
    seg = segment(doc)
    items = merge_duplicates(seg.items)
    text = doc.text
    doc_dates = dates.document_dates(text, latest)
    own = dates.own_date([p.text for p in doc.paragraphs], doc.furniture)
    newsletter_year = None
    if seg.shape == "newsletter" and not doc_dates.rewritten:
        years = dates.arabic_years(text, latest)
        newsletter_year = max(years) if years else None
    anonymized_text = "\n".join(i.body for i in items if regions.is_anonymized(i.body))
    pooled = regions.evidence_province(gazetteer, anonymized_text) if anonymized_text else None
    pooled_city = regions.own_city(gazetteer, anonymized_text) if anonymized_text else None
    terrain_names = [name for name in gazetteer.full if terrain.PATTERN.search(name)]  # 宝山区, 平原县 …

    cases = []
    for ordinal, item in enumerate(items, start=1):
        title, paragraphs, title_cut = _own_title(item)
        body = "\n".join(paragraphs)
        sections = split_sections(paragraphs)
        national = None if item.label else regions.national_subject(gazetteer, title, body)
        if national:
            res = regions.Resolution(label="全国", national=True, evidence=f"规则：全国性文件（‘{national}’）")
        else:
            res = regions.resolve(gazetteer, item.label, title, body)
            res = regions.infer_anonymized(gazetteer, res, title + body, pooled, pooled_city)
            body_of = regions.national_source(body) if "region-ambiguous" in res.flags else None
            if body_of:
                res = regions.Resolution(
                    label="全国", national=True, evidence=f"规则：多个省份，出自全国性机构（‘{body_of}’）"
                )
        if "region-inferred" in res.flags and not res.evidence.startswith("推断"):
            res.evidence = "推断：原文隐去了地名，由文中其他地名推断"
        year, year_flags, year_evidence = dates.item_year(body, doc_dates, latest, newsletter_year, own)
        flags = list(res.flags) + year_flags
        doc_type, type_evidence = doc_type_for(title, body, seg.shape, explain=True)
        if item.stub:
            flags.append("stub")
            doc_type, type_evidence = "case", "规则：名单中的条目"
        themes = themes_for(title, body, item.heading, short_case=doc_type == "case")
        if not themes:
            flags.append("theme-unknown")
        if doc.repeated >= REPEATED_LINES:
            flags.append("repeated-text")
        if not title:
            flags.append("no-title")
        if REPLACEMENT in item.title + body:
            flags.append("unrecoverable-characters")
        if privacy.findings(item.title + "\n" + body):
            flags.append("personal-data")
        evidence = {"region": res.evidence, "year": year_evidence, "doc_type": type_evidence}
        evidence["themes"] = explain_themes(title, body, themes)
        evidence["title"] = title_cut
        evidence["summary"] = f"摘要略去称呼 ‘{sections.skipped}’" if sections.skipped else ""
        case_terrain, evidence["terrain"] = terrain.terrain_for(title, body, terrain_names)
        cases.append(
            ParsedCase(
                ordinal=ordinal,
                title=title,
                **{name: getattr(sections, name) for name in SECTIONS},
                body=body,
                province=res.province,
                prefecture=res.prefecture,
                county=res.county,
                region_label=res.label,
                themes=themes,
                tags=tags_for(title + body),
                doc_type=doc_type,
                year=year,
                span=item.span,
                flags=sorted(set(flags)),
                figures=[] if item.stub else extract_figures(body),
                terrain=case_terrain,
                evidence={k: v for k, v in evidence.items() if v},
            )
        )
    publisher = PUBLISHER.search(raw)
    batch = BATCH.search(seg.title or "")
    # The document's own number stands on a line of its own near the top; a number in a
    # sentence (我区按照…【2018】2号) is another document's, cited.
    number = next((p.text for p in doc.paragraphs[:8] if dates.OWN_NUMBER.match(p.text)), "")
    return ParsedDocument(
        file_name=file_name,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        raw=raw,
        title=labels.strip_page_number(seg.title)[0] or _fallback_title(items),
        kind=seg.shape,
        publisher=publisher.group(1) if publisher else "",
        batch=f"第{batch.group(1)}批" if batch else "",
        doc_number=number,
        year=doc_dates.year or own.year or newsletter_year,
        cases=cases,
    )
