"""A synthetic library for benchmarks: N published cases recombined from the
real seed texts, spread over every province's real counties.

Reproducible for the same --seed.  Texts are recombined paragraph by
paragraph, so their search tokens are too (jieba runs once per seed
paragraph, not once per case): 100,000 cases take minutes, not hours.
"""

import hashlib
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from taggit.models import Tag

from cases.load import load_regions
from cases.models import Case, CaseKeyword, Region, Source, Theme
from cases.public import bump
from cases.text import index_tokens

BATCH = 2000


class Command(BaseCommand):
    help = "Add N synthetic published cases (for benchmarks); --clear removes them."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clear", action="store_true", help="first remove earlier synthetic cases")

    def handle(self, count: int, seed: int, clear: bool, **options):
        if clear:
            removed = clear_synthetic()
            self.stderr.write(f"synth_cases: removed {removed} synthetic cases")
        if count <= 0:
            return
        load_regions()
        templates = list(Case.objects.published().exclude(body="").prefetch_related("themes", "tags").order_by("pk"))
        if not templates:
            raise CommandError("synth_cases: no published cases to recombine; run load_seeds first")
        started = time.monotonic()
        made = synthesize(count, seed, templates, progress=self._progress(count, started))
        elapsed = time.monotonic() - started
        self.stderr.write("")
        self.stdout.write(
            f"synth_cases: {made} cases in {elapsed:.0f} s ({made / max(elapsed, 1e-9):.0f}/s), seed {seed}"
        )

    def _progress(self, total, started):
        def report(done):
            rate = done / max(time.monotonic() - started, 1e-9)
            bar = "#" * int(30 * done / total)
            sys.stderr.write(f"\rsynth_cases [{bar:<30}] {done}/{total} {rate:.0f}/s")
            sys.stderr.flush()

        return report


def clear_synthetic() -> int:
    sources = Source.objects.filter(kind="synthetic")
    cases = Case.objects.filter(source__in=sources)
    with transaction.atomic():
        CaseKeyword.objects.filter(content_object__in=cases).delete()
        Case.themes.through.objects.filter(case__in=cases).delete()
        Case.history.filter(source_id__in=sources.values("pk")).delete()
        removed = cases._raw_delete(cases.db)  # no history of a benchmark's corpus
        sources.delete()
    bump()
    return removed


class Piece:
    """A text and its search tokens, computed once."""

    __slots__ = ("text", "tokens")

    def __init__(self, text: str):
        self.text = text
        self.tokens = index_tokens(text)


def _pieces(templates, name):
    return [Piece(p) for case in templates for p in getattr(case, name).split("\n") if p.strip()]


def synthesize(count: int, seed: int, templates: list[Case], progress=None) -> int:
    rng = random.Random(seed)
    themes = list(Theme.objects.order_by("position"))
    counties = list(Region.objects.filter(level="county").select_related("parent__parent").order_by("code"))
    by_province: dict[str, list[Region]] = {}
    for county in counties:
        top = county.parent if county.parent.level == "province" else county.parent.parent
        by_province.setdefault(top.code, []).append(county)
    provinces = sorted(by_province)
    sections = {name: _pieces(templates, name) for name in ("summary", "background", "measures", "outcomes")}
    bodies = _pieces(templates, "body")
    titles = [(case.title, index_tokens(case.title)) for case in templates]
    tag_names = sorted({t.name for case in templates for t in case.tags.all()})
    tags = {t.name: t for t in Tag.objects.filter(name__in=tag_names)}
    for name in tag_names:
        if name not in tags:
            tags[name] = Tag.objects.create(name=name)
    source, _ = Source.objects.get_or_create(
        sha256=hashlib.sha256(f"synthetic:{seed}".encode()).hexdigest(),
        defaults={"file_name": f"synthetic-{seed}", "title": f"合成案例（基准测试，种子 {seed}）", "kind": "synthetic"},
    )
    start = Case.objects.filter(source=source).count()
    doc_types = [c.doc_type for c in templates]
    made = 0
    while made < count:
        batch, relations = [], []
        for i in range(start + made + 1, start + made + 1 + min(BATCH, count - made)):
            county = rng.choice(by_province[rng.choice(provinces)])
            lineage = county.lineage()
            title, title_tokens = rng.choice(titles)
            parts = {
                name: rng.sample(pieces, k=min(len(pieces), rng.randint(1, 3))) for name, pieces in sections.items()
            }
            body = rng.sample(bodies, k=min(len(bodies), rng.randint(3, 8)))
            label = Piece(county.name)
            full_title = f"{county.name}：{title}"
            texts = {name: "\n".join(p.text for p in chosen) for name, chosen in parts.items()}
            body_text = "\n".join(p.text for p in body)
            tokens = [label.tokens] + [p.tokens for name in sections for p in parts[name]] + [p.tokens for p in body]
            batch.append(
                Case(
                    slug=f"synth-{seed}-{i:07d}",
                    title=full_title,
                    summary=texts["summary"],
                    background=texts["background"],
                    measures=texts["measures"],
                    outcomes=texts["outcomes"],
                    body=body_text,
                    province=lineage["province"],
                    prefecture=lineage["prefecture"],
                    county=county,
                    region_label=county.name,
                    doc_type=rng.choice(doc_types),
                    year=rng.randint(2010, 2025),
                    source=source,  # no ordinal: a benchmark corpus is larger than any document
                    status=Case.Status.PUBLISHED,
                    search_title=index_tokens(county.name) + title_tokens,
                    search_summary="".join(p.tokens for p in parts["summary"]),
                    search_body="".join(tokens),
                )
            )
            relations.append(
                (
                    rng.sample(themes, k=rng.randint(1, 3)),
                    rng.sample(tag_names, k=min(len(tag_names), rng.randint(2, 5))),
                )
            )
        with transaction.atomic():
            created = Case.objects.bulk_create(batch)
            Case.themes.through.objects.bulk_create(
                [
                    Case.themes.through(case_id=c.pk, theme_id=t.pk)
                    for c, (ts, _) in zip(created, relations, strict=True)
                    for t in ts
                ]
            )
            CaseKeyword.objects.bulk_create(
                [
                    CaseKeyword(content_object_id=c.pk, tag=tags[name])
                    for c, (_, names) in zip(created, relations, strict=True)
                    for name in names
                ]
            )
        made += len(batch)
        if progress:
            progress(made)
    bump()
    return made
