"""The one place where parsed documents are written to the database.

Loads are idempotent and keyed on (source sha256, ordinal).  Every field the
importer writes is remembered in ``Case.imported``; on a reload a field whose
current value differs from what the importer last wrote was changed by an
editor and is kept.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .ingest.figures import Figure
from .ingest.pipeline import ParsedCase, ParsedDocument, parse_document
from .models import Case, KeyFigure, Region, Source, Theme, one_record
from .search import gazetteer  # the one loaded gazetteer, also the importers'


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)
    per_source: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        keys = ("created", "updated", "unchanged", "kept-editor-value")
        figures = ("figures-created", "figures-updated", "figures-removed", "figures-kept-editor-value")
        return ", ".join(f"{k} {self.counts[k]}" for k in keys + figures)


def load_regions(path: Path | None = None) -> int:
    """Insert the gazetteer once; later calls add only what is missing."""
    rows = json.loads(Path(path or settings.REGIONS_FIXTURE).read_text(encoding="utf-8"))
    existing = {r.code: r for r in Region.objects.only("code", "kind", "longitude", "latitude")}
    missing = [r for r in rows if r["code"] not in existing]
    # Parents first: rows are sorted by code, and a parent's code sorts first.
    Region.objects.bulk_create([Region(**_region_fields(r)) for r in missing], batch_size=1000)
    # What the gazetteer says of a place (its type, its coordinates) follows the fixture.
    described = ("kind", "longitude", "latitude")
    changed = []
    for r in rows:
        region = existing.get(r["code"])
        fields = _region_fields(r)
        if region is not None and any(getattr(region, k) != fields[k] for k in described):
            changed.append(Region(**fields))
    Region.objects.bulk_update(changed, described, batch_size=1000)
    return len(missing)


def _region_fields(row: dict) -> dict:
    return {
        "code": row["code"],
        "name": row["name"],
        "level": row["level"],
        "parent_id": row["parent"],
        "aliases": row["aliases"],
        "kind": row.get("kind", ""),
        "longitude": row.get("lon"),
        "latitude": row.get("lat"),
    }


def _values(parsed: ParsedCase, publish: bool) -> dict:
    """The fields the importer writes: an editor's change to any of them is kept."""
    return {
        "title": parsed.title,
        **{name: getattr(parsed, name) for name in Case.SECTIONS},
        "body": parsed.body,
        "province": parsed.province,
        "prefecture": parsed.prefecture,
        "county": parsed.county,
        "region_label": parsed.region_label,
        "doc_type": parsed.doc_type,
        "year": parsed.year,
        "status": Case.Status.PUBLISHED if publish and parsed.complete else Case.Status.DRAFT,
        "quality_flags": parsed.flags,
        "themes": sorted(parsed.themes),
        "tags": sorted(parsed.tags),
        "terrain": parsed.terrain,
    }


# The evidence of a field explains the importer's value: it goes when an editor changed it.
EVIDENCE_FIELDS = {
    "region": ("province", "prefecture", "county", "region_label"),
    "year": ("year",),
    "doc_type": ("doc_type",),
    "themes": ("themes",),
    "title": ("title",),
    "summary": ("summary",),
    "terrain": ("terrain",),
}


def _evidence(parsed: ParsedCase, kept: set[str]) -> dict:
    return {k: v for k, v in parsed.evidence.items() if not kept & set(EVIDENCE_FIELDS.get(k, ()))}


def _current(case: Case, names) -> dict:
    values = {}
    for name in names:
        if name in ("province", "prefecture", "county"):
            values[name] = getattr(case, f"{name}_id")
        elif name == "themes":
            values[name] = sorted(case.themes.values_list("slug", flat=True))
        elif name == "tags":
            values[name] = sorted(case.tags.names())
        else:
            values[name] = getattr(case, name)
    return values


def _apply(case: Case, name: str, value) -> None:
    if name in ("province", "prefecture", "county"):
        setattr(case, f"{name}_id", value)
    elif name not in ("themes", "tags"):
        setattr(case, name, value)


def _save_relations(case: Case, values: dict, names: set[str]) -> None:
    if "themes" in names:
        case.themes.set(Theme.objects.filter(slug__in=values["themes"]))
    if "tags" in names:
        case.tags.set(values["tags"], clear=True)


@transaction.atomic
def load_document(doc: ParsedDocument, report: LoadReport | None = None, publish: bool = True) -> Source:
    """Write one parsed document.  ``publish``: complete cases go public at
    once (the curated seeds); otherwise everything waits for review."""
    report = report or LoadReport()
    source, _ = Source.objects.get_or_create(
        sha256=doc.sha256,
        defaults={
            "file_name": doc.file_name,
            "title": doc.title,
            "kind": doc.kind,
            "publisher": doc.publisher,
            "batch": doc.batch,
            "doc_number": doc.doc_number,
            "year": doc.year,
            "raw_text": doc.raw,
        },
    )
    for parsed in doc.cases:
        new = _values(parsed, publish)
        case = Case.objects.filter(source=source, ordinal=parsed.ordinal).first()
        if case is None:
            case = Case(source=source, ordinal=parsed.ordinal, slug=f"{doc.sha256[:8]}-{parsed.ordinal:02d}")
            for name, value in new.items():
                _apply(case, name, value)
            case.span_start, case.span_end = parsed.span
            case.imported = new
            case.evidence = _evidence(parsed, set())
            case._change_reason = f"导入：{doc.file_name}"
            with one_record(case, "+"):
                case.save()
                _save_relations(case, new, {"themes", "tags"})
            report.counts["created"] += 1
            load_figures(case, parsed.figures, parsed.body, report)
            continue
        current, last = _current(case, new), case.imported
        changed: set[str] = set()
        kept: set[str] = set()
        for name, value in new.items():
            # A field added after the case was imported was never written: blank, it is the importer's.
            if current[name] != last.get(name, current[name] if not current[name] else None):
                report.counts["kept-editor-value"] += 1
                kept.add(name)
                continue  # an editor changed it since the import
            if current[name] != value:
                _apply(case, name, value)
                changed.add(name)
        evidence = _evidence(parsed, kept)
        if evidence != case.evidence:
            case.evidence = evidence
            changed.add("evidence")
        if changed:
            case.imported = {**last, **{n: new[n] for n in changed if n in new}}
            case._change_reason = f"重新导入：{doc.file_name}"
            with one_record(case):
                case.save()
                _save_relations(case, new, changed)
            report.counts["updated"] += 1
        else:
            report.counts["unchanged"] += 1
        load_figures(case, parsed.figures, parsed.body, report)
    report.per_source[doc.file_name] = len(doc.cases)
    return source


def _figure_key(kind: str, quote: str) -> str:
    return f"{kind}|{quote}"


def load_figures(case: Case, figures: list[Figure], text: str, report: LoadReport) -> None:
    """Write the importer's proposals of a case's key figures, read from ``text`` (the document's
    body as imported: their spans are in it, whatever an editor made of the case's body since).
    Rows an editor confirmed, changed or added are never touched; a proposal an editor deleted is
    not proposed again (the keys of the last proposals are kept in ``Case.imported["figures"]``)."""
    proposals = {}
    for f in figures:
        row = KeyFigure(
            case=case,
            kind=f.kind,
            indicator=f.indicator[:100],
            value=f.value,
            value_max=f.value_max,
            unit=f.unit,
            baseline=f.baseline,
            year_from=f.year_from,
            year_to=f.year_to,
            quote=text[f.start : f.end][:300],
            span_start=f.start,
            span_end=f.end,
        )
        proposals.setdefault(_figure_key(row.kind, row.quote), row)
    last = set(case.imported.get("figures", []))
    rows = {}
    for row in case.figures.all():
        key = _figure_key(row.kind, row.quote)
        if row.edited:
            report.counts["figures-kept-editor-value"] += key in proposals
            rows[key] = row
        elif key not in proposals or key in rows:
            row.delete()
            report.counts["figures-removed"] += 1
        else:
            rows[key] = row
    for key, proposal in proposals.items():
        row = rows.get(key)
        if row is None:
            if key in last:
                continue  # proposed before, deleted by an editor since
            proposal.extracted = proposal.extracted_values()
            proposal.save()
            report.counts["figures-created"] += 1
        elif not row.edited and row.extracted != proposal.extracted_values():
            for name in KeyFigure.EXTRACTED_FIELDS + ("span_start", "span_end"):
                setattr(row, name, getattr(proposal, name))
            row.extracted = proposal.extracted_values()
            row.save()
            report.counts["figures-updated"] += 1
    keys = sorted(proposals)
    if case.imported.get("figures") != keys:
        case.imported = {**case.imported, "figures": keys}
        Case.objects.filter(pk=case.pk).update(imported=case.imported)  # the importer's memory, not public


def load_files(paths: list[Path]) -> LoadReport:
    load_regions()
    report = LoadReport()
    gz = gazetteer()
    for path in sorted(paths):
        raw = path.read_text(encoding="utf-8")
        load_document(parse_document(raw, path.name, gz), report)
    return report
