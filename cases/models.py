import functools
import operator
import uuid
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F
from django.db.models.functions import Coalesce, Substr
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import Tag, TaggedItemBase

from .ingest import sections
from .ingest.controls import strip_controls
from .ingest.figures import plain_number
from .places import CountyKind, Terrain, macro_region
from .text import clean_group, index_tokens


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True, help_text=_("GB/T 2260 六位代码"))
    name = models.CharField(_("名称"), max_length=40, db_index=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    aliases = models.JSONField(_("曾用名"), default=list, blank=True, help_text=_("文本中仍在使用的旧名称"))
    kind = models.CharField(
        _("县级类型"), max_length=20, choices=CountyKind.choices, blank=True, help_text=_("由正式名称得出，仅县级")
    )
    # The seat of its government, as the registry's table gives it (scripts/build_regions.py); none when unknown.
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.display_name  # in the page's language: form choices, chips and links

    @property
    def display_name(self) -> str:
        """The name in the page's language: 四川省, or Sichuan on the English pages."""
        from .placenames import english_name

        return english_name(self.name, self.level) if (get_language() or "").startswith("en") else self.name

    @property
    def path(self) -> str:
        """北京市 › 怀柔区 (select_related("parent__parent") saves the queries)."""
        names, region = [], self
        while region is not None:
            names.append(region.name)
            region = region.parent if region.parent_id != region.code else None
        return " › ".join(reversed(names))

    @property
    def macro_region(self) -> str:
        """东部, 中部, 西部 or 东北 (its code), by province; blank for Hong Kong, Macao and Taiwan."""
        return macro_region(self.code)

    def get_macro_region_display(self) -> str:
        from .places import MacroRegion

        return str(MacroRegion(self.macro_region).label) if self.macro_region else ""

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.longitude, self.latitude) if self.longitude is not None and self.latitude is not None else None

    def lineage(self) -> dict[str, "Region | None"]:
        """The province, prefecture and county this region is or lies in."""
        out: dict[str, Region | None] = {"province": None, "prefecture": None, "county": None}
        region = self
        while region is not None:
            out[region.level] = region
            region = region.parent if region.parent_id != region.code else None
        return out


class Theme(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80)
    description = models.TextField(_("说明"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self) -> str:
        return self.display_name  # in the page's language: form choices, chips and links

    @property
    def display_name(self) -> str:
        """The name in the language of the page: Chinese, or English."""
        return self.name_en if (get_language() or "").startswith("en") else self.name


def strip_control_characters(row: models.Model, keep: tuple[str, ...] = ()) -> None:
    """Control characters out of a row's own texts before it is saved: the admin, the
    importers and spreadsheets all save through here (cases/ingest/controls.py)."""
    for field in row._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and field.name not in keep:
            value = getattr(row, field.attname)
            if value:
                setattr(row, field.attname, strip_controls(value))


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources with a published case: a freshly imported document is nobody's business yet."""
        published = Case.objects.filter(source=models.OuterRef("pk"), status=Case.Status.PUBLISHED)
        return self.filter(models.Exists(published))


class Source(models.Model):
    file_name = models.CharField(_("文件名"), max_length=200)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    kind = models.CharField(_("类型"), max_length=40, blank=True, help_text=_("文档的版式，如 newsletter"))
    publisher = models.CharField(_("发布者"), max_length=200, blank=True)
    batch = models.CharField(_("批次"), max_length=20, blank=True, help_text=_("如：第三批"))
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    url = models.URLField(_("网址"), max_length=500, blank=True, help_text=_("文档在网上的原始地址"))
    date = models.DateField(_("日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, unique=True)
    raw_text = models.TextField(_("原文"), help_text=_("收到时的原始文本，不作修改"))
    created = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["file_name"]
        verbose_name = _("来源文档")
        verbose_name_plural = _("来源文档")

    def __str__(self) -> str:
        # Never the file name: a received file is often named by a hash or a download counter.
        return self.title or self.publisher or gettext("来源文档 %(id)s") % {"id": self.pk}

    MANUAL = "manual"

    def save(self, *args, **kwargs):
        strip_control_characters(self, keep=("raw_text",))  # the document as received stays as it was
        super().save(*args, **kwargs)

    @classmethod
    def manual(cls, title: str, publisher: str, url: str, date) -> "Source":
        """The source of cases entered by hand: one per cited document (the same address, or the
        same title, publisher and date, is the same source)."""
        import hashlib

        key = url or f"{title}|{publisher}|{date or ''}"
        digest = hashlib.sha256(f"manual:{key}".encode()).hexdigest()
        source, _created = cls.objects.get_or_create(
            sha256=digest,
            defaults={
                "kind": cls.MANUAL,
                "file_name": "",
                "title": title or publisher,
                "publisher": publisher,
                "url": url,
                "date": date,
                "year": date.year if date else None,
                "raw_text": "",
            },
        )
        return source


class Keyword(Tag):
    """The keywords of cases, under the name the editors' form gives them (django-taggit's tags)."""

    class Meta:
        proxy = True
        verbose_name = _("关键词")
        verbose_name_plural = _("关键词")


# A case's search tokens (cases/search.py), derived on save: neither shown nor kept in its history.
TOKENS = ("search_title", "search_summary", "search_body")

# A case's narrowest place: its county, else its prefecture, else its province.
PLACE = Coalesce("county_id", "prefecture_id", "province_id")


class Likeness:
    """How alike a case's place is to my county: each trait it shares with mine adds its points
    (cases/places.py's POINTS) — the same county type, the same macro-region, within 300 and
    within 100 km, and the same terrain as mine if I told it (the case's, stated in its text).

    Each trait is worked out once (my county's type, my macro-region's provinces, the few places
    near mine), and one table gives the points of a place in Python (``of``, for the list's
    pages) and of every case in SQL (``expression``, for the API and the downloads)."""

    def __init__(self, mine: Region, terrain: str = ""):
        from .places import NEAR_KM, POINTS, box, nearby, province_codes

        # (what a place is asked, the answers sharing the trait, the same test of a case in SQL, points)
        my_kind = Region.objects.filter(level="county", kind=mine.kind).values("code")  # a subquery: no join
        self.traits = [("county__kind", {mine.kind}, models.Q(county__in=my_kind), POINTS["kind"])]
        if mine.macro_region:
            provinces = province_codes(mine.macro_region)
            self.traits.append(("province", set(provinces), models.Q(province__in=provinces), POINTS["macro_region"]))
        if mine.point:
            (lon_min, lon_max), (lat_min, lat_max) = box(mine.point)
            around = Region.objects.exclude(level="province").filter(
                longitude__range=(lon_min, lon_max), latitude__range=(lat_min, lat_max)
            )
            near = nearby(mine.point, around.values_list("code", "longitude", "latitude"))
            self.traits += [
                ("place", set(near[km]), models.Q(place__in=near[km]), POINTS[km]) for km in NEAR_KM if near[km]
            ]
        if terrain:
            self.traits.append(("terrain", {terrain}, models.Q(terrain=terrain), POINTS["terrain"]))

    def of(self, place: dict) -> int:
        """The points of a place: ``place`` maps each question of ``traits`` to its answer."""
        return sum(points for question, answers, _sql, points in self.traits if place[question] in answers)

    def expression(self):
        """The points of each case, in SQL (its place aliased as ``place``)."""
        total = models.Value(0)
        for _question, _answers, condition, points in self.traits:
            total += models.Case(models.When(condition, then=points), default=0)
        return models.ExpressionWrapper(total, output_field=models.IntegerField())


def _at_places(groups) -> models.Q:
    """The cases of these places and terrains ((county, prefecture, province, terrain, …) as
    cases/facets.py's ``places_counted`` gives them), by the columns the index on a case's place starts with."""
    where = []
    for terrain in sorted({group[3] for group in groups}):
        places = [group[:3] for group in groups if group[3] == terrain]
        counties = sorted({county for county, _prefecture, _province in places if county})
        prefectures = sorted({prefecture for county, prefecture, _ in places if not county and prefecture})
        provinces = sorted(
            {province for county, prefecture, province in places if not (county or prefecture) and province}
        )
        at = []
        if counties:
            at.append(models.Q(county__in=counties))
        if prefectures:
            at.append(models.Q(county=None, prefecture__in=prefectures))
        if provinces:
            at.append(models.Q(county=None, prefecture=None, province__in=provinces))
        if (None, None, None) in places:
            at.append(models.Q(county=None, prefecture=None, province=None))
        where.append(models.Q(terrain=terrain) & functools.reduce(operator.or_, at))
    return functools.reduce(operator.or_, where)


class CaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Case.Status.PUBLISHED)

    def flagged(self, codes):
        """Cases carrying any of these quality flags (stored as a JSON list, matched as text so that
        SQLite, which has no JSON containment, answers the same as PostgreSQL)."""
        match = models.Q(pk__in=[])
        for code in codes:
            match |= models.Q(quality_flags__icontains=f'"{code}"')
        return self.filter(match)

    def cases_only(self):
        """Cases proper (案例), without the news, notices, reports and commentary a library
        also holds: what the home page's newest cases, map and theme tiles count."""
        return self.filter(doc_type=Case.DocType.CASE)

    def related_to(self, case: "Case", limit: int = 5, candidates: int = 200) -> list[int]:
        """Ids of published cases sharing its themes; among them, those sharing more
        themes, then more keywords (similar text), then in the same province, then newer.

        Only a bounded set is ranked, whatever the library's size: the ``candidates`` cases
        sharing most keywords with it among each keyword's newest PER_KEYWORD cases, or,
        for a case without keywords, the newest in its province.  One statement: the
        pool is counted, joined to the themes and ranked where the rows are (ranking them
        in Python cost two round trips and 20 ms of a case page, mostly in passing 200 ids
        back as parameters)."""
        theme_ids = [theme.pk for theme in case.themes.all()]  # prefetched on a case page
        if not theme_ids:
            return []
        tag_ids = [tag.pk for tag in case.tags.all()]
        if tag_ids:
            pool, pool_params = _keyword_pool(tag_ids, case.pk, candidates)
        else:
            in_province = "province_id = %s" if case.province_id else "province_id IS NULL"
            pool = f"""SELECT id, 0 AS n FROM {Case._meta.db_table}
                WHERE status = %s AND {in_province} AND id <> %s
                ORDER BY year DESC, id DESC LIMIT %s"""  # the ORM's order_by("-year", "-pk") on each vendor
            pool_params = [
                Case.Status.PUBLISHED,
                *([case.province_id] if case.province_id else []),
                case.pk,
                candidates,
            ]
        marks = ", ".join(["%s"] * len(theme_ids))
        sql = f"""
            WITH pool (id, n) AS ({pool})
            SELECT c.id FROM pool
            JOIN (SELECT case_id, COUNT(*) AS t FROM {Case.themes.through._meta.db_table}
                  WHERE theme_id IN ({marks}) AND case_id IN (SELECT id FROM pool) GROUP BY case_id) s
              ON s.case_id = pool.id
            JOIN {Case._meta.db_table} c ON c.id = pool.id
            WHERE c.status = %s
            ORDER BY s.t DESC, pool.n DESC, CASE WHEN c.province_id = %s THEN 1 ELSE 0 END DESC,
                COALESCE(c.year, 0) DESC, c.id
            LIMIT %s
        """
        # A case without a province shares it with none (NULL = NULL is not true).
        params = [*pool_params, *theme_ids, Case.Status.PUBLISHED, case.province_id, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def like_mine(self, likeness: "Likeness"):
        """Places like mine first (the most points of ``likeness``), then newest."""
        return (
            self.alias(place=PLACE)
            .annotate(likeness=likeness.expression())
            .order_by("-likeness", F("year").desc(nulls_last=True), "-pk")
        )

    def like_mine_page(self, likeness: "Likeness", places: list[tuple], start: int, stop: int) -> list[int]:
        """Ids of cases ``start`` to ``stop`` of this list in its like_mine order, found place by place.

        Likeness belongs to a case's place and terrain, and a list's cases lie in a few thousand
        places at most: its ``places`` are counted once (cases/facets.py's ``places_counted``, kept under
        the public version whoever is asking) and given their points; then, from the most points down
        until the page is full, the newest cases of the places with so many points are read
        through the index on a case's place.  The same order as ``like_mine``'s, without ordering
        every listed case (100,000 rows: 25–40 ms of PostgreSQL for each reader)."""
        levels: dict[int, list] = {}
        for county, prefecture, province, kind, terrain, n in places:
            place = county or prefecture or province
            points = likeness.of({"county__kind": kind, "province": province, "place": place, "terrain": terrain})
            levels.setdefault(points, []).append((county, prefecture, province, terrain, n))
        newest = self.order_by(F("year").desc(nulls_last=True), "-pk").values_list("pk", flat=True)
        ids, above = [], 0
        for points in sorted(levels, reverse=True):
            n = sum(n for *_, n in levels[points])
            if above + n > start:  # this level reaches the page: its newest cases
                ids += newest.filter(_at_places(levels[points]))[max(0, start - above) : stop - above]
            above += n
            if above >= stop:
                break
        return ids

    # Columns no page shows: the search tokens, the importer's memory, a source's whole text
    # (megabytes for a long document, otherwise read with every case of a list).
    UNSHOWN = (*TOKENS, "imported", "source__raw_text")

    def with_related(self):
        return (
            self.select_related("province", "prefecture", "county", "source")
            .prefetch_related("themes", "tags")
            .defer(*self.UNSHOWN)
        )

    def with_excerpt(self):
        """The passage of the source a case was cut from, read without its source's whole text."""
        return self.annotate(excerpt=Substr("source__raw_text", F("span_start") + 1, F("span_end") - F("span_start")))

    def in_order(self, ids) -> list:
        """These cases as a list, in the order of ``ids`` (one query, whatever their number)."""
        found = self.in_bulk(list(ids))
        return [found[pk] for pk in ids if pk in found]

    # What a case card in a list shows (includes/case_card.html), and nothing more; a place's English
    # name is made from its name and level (Region.display_name).
    CARD = ("slug", "title", "summary", "body", "year", "quality_flags", "doc_type", "region_label",
            *(f"{place}__{part}" for place in ("province", "prefecture", "county") for part in ("name", "level")))  # fmt: skip

    def for_cards(self):
        return self.select_related("province", "prefecture", "county").prefetch_related("themes").only(*self.CARD)


PER_KEYWORD = 300  # the newest cases of each keyword that related_to looks at


def _keyword_pool(tag_ids: list[int], exclude: int, candidates: int) -> tuple[str, list]:
    """SQL for (id, n): the ``candidates`` cases sharing most keywords (n of them) with a case,
    among the newest PER_KEYWORD cases of each of its keywords, so that a popular keyword
    (thousands of cases) costs as little as a rare one; ties go to the newer case.  Each
    keyword's newest are read through the (tag, case) index of CaseKeyword."""
    table = CaseKeyword._meta.db_table
    one = f"SELECT * FROM (SELECT content_object_id AS object_id FROM {table} WHERE tag_id = %s ORDER BY content_object_id DESC LIMIT %s) AS t{{}}"  # noqa: E501
    union = " UNION ALL ".join(one.format(i) for i in range(len(tag_ids)))
    sql = f"""SELECT object_id, COUNT(*) AS n FROM ({union}) AS keyworded WHERE object_id <> %s
        GROUP BY object_id ORDER BY n DESC, object_id DESC LIMIT %s"""
    params = [value for tag in tag_ids for value in (tag, PER_KEYWORD)]
    return sql, [*params, exclude, candidates]


class CaseKeyword(TaggedItemBase):
    """A keyword of a case: taggit's link with a real foreign key to the case (rather than its
    generic one), so that the history can keep each record's keywords (m2m_fields below)."""

    content_object = models.ForeignKey("Case", on_delete=models.CASCADE, related_name="keyword_links")

    class Meta:
        # related_to reads the newest cases of each keyword through this index.
        indexes = [models.Index(fields=["tag", "content_object"], name="casekeyword_tag_case")]
        unique_together = [("content_object", "tag")]
        verbose_name = _("案例关键词")
        verbose_name_plural = _("案例关键词")


class _KeywordManager(_TaggableManager):
    @property
    def field(self):
        # django-simple-history reads ``Case.tags.field`` as it reads a ManyToManyField's descriptor
        # (taggit issue #918; taggit PR #956 adds this very property).
        return self.model._meta.get_field(self.prefetch_cache_name)


class Keywords(TaggableManager):
    """taggit's field, with the one method of a ManyToManyField that the history also asks for."""

    def m2m_field_name(self) -> str:
        return "content_object"


# Each record keeps the case's themes and keywords of its moment (simple-history's m2m_fields);
# kept by name so that one_record() below can ask it for a record.
HISTORY = HistoricalRecords(
    excluded_fields=[*TOKENS, "imported", "updated"],
    m2m_fields=["themes", "tags"],
    verbose_name=_("案例修改记录"),
)


class StaleEdit(Exception):
    """The case was saved by someone else since this copy was read."""


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")

    class DocType(models.TextChoices):
        CASE = "case", _("案例")
        REPORT = "report", _("报告")
        POLICY = "policy", _("政策")
        NEWS = "news", _("新闻")
        COMMENTARY = "commentary", _("评论")

    # The sections of its text, in their order on its page, in the forms, the exports, the API and
    # the history; the body, the whole text, follows them.  One list (cases/ingest/sections.py).
    SECTIONS = sections.SECTIONS

    slug = models.SlugField(max_length=40, unique=True, help_text=_("稳定的短标识，用于链接"))
    title = models.CharField(_("标题"), max_length=300, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    background = models.TextField(_("背景"), blank=True)
    measures = models.TextField(_("主要做法"), blank=True)
    outcomes = models.TextField(_("成效"), blank=True)
    body = models.TextField(_("正文"), blank=True, help_text=_("清洗后的全文"))
    conditions = models.TextField(
        _("适用条件"), blank=True, help_text=_("适用条件、适用范围：在什么样的地方、对什么人群可以借鉴")
    )
    problems = models.TextField(_("存在问题"), blank=True, help_text=_("存在问题、问题与不足"))
    lessons = models.TextField(_("经验启示"), blank=True, help_text=_("经验启示、几点体会"))
    next_steps = models.TextField(_("下一步打算"), blank=True)
    province = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("省份")
    )
    prefecture = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("地市")
    )
    county = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("区县")
    )
    region_label = models.CharField(
        _("地区（原文）"), max_length=60, blank=True, help_text=_("文中写法，如“北京怀柔”；全国性条目为“全国”")
    )
    terrain = models.CharField(
        _("地形"),
        max_length=10,
        choices=Terrain.choices,
        blank=True,
        help_text=_("原文写明时填写（如“山区县”“海岛”“牧区”）；原文没有写明则留空，不要猜测"),
    )
    themes = models.ManyToManyField(Theme, blank=True, verbose_name=_("主题"))
    tags = Keywords(_("关键词"), blank=True, through=CaseKeyword, manager=_KeywordManager)
    doc_type = models.CharField(_("文档类型"), max_length=12, choices=DocType.choices, default=DocType.CASE)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name=_("来源文档")
    )
    ordinal = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True, help_text=_("在来源文档中的顺序"))
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    quality_flags = models.JSONField(_("质量标记"), default=list, blank=True)
    privacy_cleared = models.CharField(
        _("个人信息已确认"),
        max_length=16,
        blank=True,
        editable=False,
        help_text=_("审核人员确认可公开的疑似个人信息的指纹"),
    )
    version = models.PositiveIntegerField(
        _("版本"), default=1, editable=False, help_text=_("每次保存加一，用于防止并发覆盖")
    )
    imported = models.JSONField(default=dict, blank=True, editable=False, help_text=_("导入程序上次写入的值"))
    evidence = models.JSONField(
        _("推断依据"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("导入程序推断地区、年份、文档类型和主题的依据（原文位置或规则）；编辑修改过的字段不再显示依据"),
    )
    # jieba tokens for full-text search, kept up to date on save (see cases/search.py).
    search_title = models.TextField(blank=True, editable=False)
    search_summary = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()
    history = HISTORY

    class Meta:
        ordering = ["source_id", "ordinal", "id"]
        permissions = [("publish_case", _("可以发布和撤回案例"))]
        constraints = [models.UniqueConstraint(fields=["source", "ordinal"], name="unique_case_per_source_ordinal")]
        # The duplicate check looks up cases by their exact title on every editor's save and form
        # (cases/duplicates.py): without an index, a scan of the library (41 ms for 100,000 cases).
        indexes = [
            models.Index(fields=["title"], name="case_title"),
            # Every facet count of a list reads these four columns of its cases (cases/facets.py): from
            # this index alone, without visiting the rows (a third of the whole library's count).
            models.Index(
                fields=["province", "doc_type", "year", "id"],
                condition=models.Q(status="published"),
                name="case_published_facets",
            ),
            # "Places like mine first" counts a list's cases by place and terrain from this index alone,
            # then reads the newest cases of a few places through it (CaseQuerySet.like_mine_page).
            models.Index(
                fields=["county", "prefecture", "province", "terrain", "year", "id"],
                condition=models.Q(status="published"),
                name="case_published_place",
            ),
        ]
        verbose_name = _("案例")
        verbose_name_plural = _("案例")

    def __str__(self) -> str:
        return self.title or f"（无标题）{self.slug}"

    def save(self, *args, expected_version: int | None = None, **kwargs):
        """Derives this row's own fields (quality flags, search tokens) and bumps ``version``;
        ``expected_version`` refuses the save (StaleEdit) when someone else saved the case
        after that version was read.  It touches no other table: what the public pages
        learn of a save is cases/public.py's concern."""
        from .quality import live_flags

        strip_control_characters(self)
        if self.pk:
            stored = Case.objects.filter(pk=self.pk)
            if expected_version is not None:
                stored = stored.select_for_update()  # this row, held until the save commits
            current = stored.values_list("version", flat=True).first()
            if expected_version is not None and current is not None and current != expected_version:
                raise StaleEdit(current)
            self.version = (current or 0) + 1
        self.quality_flags = live_flags(self)
        self.search_title = index_tokens(self.title)
        self.search_summary = index_tokens(self.summary)
        self.search_body = index_tokens(self.full_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *TOKENS, "quality_flags", "version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.slug])

    EVIDENCE_LABELS = {
        "title": _("标题"),
        "summary": _("摘要"),
        "region": _("地区"),
        "year": _("年份"),
        "doc_type": _("文档类型"),
        "themes": _("主题"),
        "terrain": _("地形"),
    }
    # What readers are told where the importer inferred a field rather than read it.
    INFERRED_NOTES = {"region": _("地区由上下文推断"), "year": _("年份由正文推断")}

    def evidence_labels(self) -> list[tuple[str, str]]:
        """(field, where its value was read or the rule that decided it), for editors."""
        return [
            (str(label), self.evidence[key]) for key, label in self.EVIDENCE_LABELS.items() if self.evidence.get(key)
        ]

    def inferred_notes(self) -> list[str]:
        """Short notes for readers where a field was inferred rather than stated."""
        return [str(note) for key, note in self.INFERRED_NOTES.items() if self.evidence.get(key, "").startswith("推断")]

    @property
    def year_in_doubt(self) -> bool:
        """The text's years disagree with the document's own date (the importer's year-conflict):
        readers are warned wherever the year is shown."""
        return "year-conflict" in (self.quality_flags or [])

    @property
    def full_text(self) -> str:
        """Every public text of the case: what search, the privacy check, the quality flags and
        the duplicate check read."""
        return self.text_of(lambda name: getattr(self, name))

    @classmethod
    def text_of(cls, value) -> str:
        """``full_text`` of what ``value(field name)`` gives: of a form's data not saved yet, too."""
        return "\n".join(value(name) for name in ("region_label", *cls.SECTIONS, "body"))

    def privacy_findings(self, tag_names: list[str] | None = None):
        """What looks like personal data in the public fields: title, texts and keywords
        (cases/ingest/privacy.py); ``tag_names``: keywords about to be set instead of the stored ones."""
        from .ingest import privacy

        if tag_names is None:
            tag_names = [tag.name for tag in self.tags.all()] if self.pk else []
        return privacy.findings("\n".join([self.title, self.full_text, *tag_names]))

    def clear_privacy_findings(self) -> None:
        """A reviewer's confirmation: the findings seen now may be published."""
        from .ingest import privacy

        self.privacy_cleared = privacy.digest(self.privacy_findings())

    @property
    def flags(self):
        from .quality import flag

        return [flag(code) for code in self.quality_flags]

    @property
    def publish_blockers(self):
        from .quality import blocking

        return blocking(self.quality_flags)

    @property
    def place(self) -> Region | None:
        return self.county or self.prefecture or self.province

    def set_place(self, region: Region | None) -> None:
        lineage = region.lineage() if region else {}
        self.province, self.prefecture, self.county = (lineage.get(k) for k in ("province", "prefecture", "county"))

    @property
    def locator(self) -> str:
        if not self.source_id:
            return ""
        return f"{self.source.file_name}#{self.ordinal}@{self.span_start}-{self.span_end}"

    @property
    def source_excerpt(self) -> str:
        if not self.source_id or self.span_start is None:
            return ""
        if hasattr(self, "excerpt"):  # CaseQuerySet.with_excerpt()
            return self.excerpt or ""
        return self.source.raw_text[self.span_start : self.span_end]


class KeyFigure(models.Model):
    """One key figure of a case (关键数据): an indicator with its value, or an amount of money
    invested, spent to run the service, or given by one source.  The importer proposes them
    (cases/ingest/figures.py); an editor confirms, corrects, adds or deletes them."""

    class Kind(models.TextChoices):
        FIGURE = "figure", _("成效数据")
        INVESTMENT = "investment", _("投资")
        RUNNING_COST = "running_cost", _("运行费用")
        FUNDING = "funding", _("资金来源")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="figures", verbose_name=_("案例"))
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.FIGURE)
    indicator = models.CharField(
        _("指标"), max_length=100, help_text=_("测量的是什么，如“卫生厕所普及率”；资金来源填来源，如“县级财政”")
    )
    value = models.DecimalField(
        _("数值"), max_digits=20, decimal_places=4, null=True, blank=True, help_text=_("万、亿已换算：3.2万人填 32000")
    )
    value_max = models.DecimalField(
        _("上限"), max_digits=20, decimal_places=4, null=True, blank=True, help_text=_("范围的上限（3-5万元：50000）")
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True, help_text=_("元、人、户、个、% …"))
    baseline = models.DecimalField(
        _("基线"), max_digits=20, decimal_places=4, null=True, blank=True, help_text=_("从62%提高到95%：62")
    )
    year_from = models.PositiveSmallIntegerField(_("起始年份"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("截止年份"), null=True, blank=True)
    quote = models.CharField(_("原文"), max_length=300, blank=True, help_text=_("数据在正文中的原话"))
    span_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    span_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    confirmed = models.BooleanField(
        _("已核实"), default=False, help_text=_("编辑已对照原文核实；未核实的数据在公开页面上标为“自动提取”")
    )
    # What the importer wrote: a row that still holds it, unconfirmed, is the importer's to update.
    extracted = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["extracted"], verbose_name=_("关键数据修改记录"))

    class Meta:
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["kind", "value"], name="keyfigure_kind_value")]
        verbose_name = _("关键数据")
        verbose_name_plural = _("关键数据")

    def __str__(self) -> str:
        return f"{self.indicator} {self.display_value}".strip()

    def save(self, *args, **kwargs):
        strip_control_characters(self)
        super().save(*args, **kwargs)

    def clean(self):
        # Values are stored with 万 and 亿 multiplied out, so that amounts compare (the filters in 万元).
        if self.unit[:1] in ("万", "亿"):
            raise ValidationError(
                {"unit": _("请把万、亿换算进数值：3.2万人填 32000、单位“人”；300万元填 3000000、单位“元”。")}
            )

    # The importer's values of a row, compared on a reload.
    EXTRACTED_FIELDS = ("kind", "indicator", "value", "value_max", "unit", "baseline", "year_from", "year_to")

    def extracted_values(self) -> dict:
        """As JSON keeps them: a Decimal as its plain text."""
        values = {name: getattr(self, name) for name in self.EXTRACTED_FIELDS}
        return {name: format(plain_number(v), "f") if isinstance(v, Decimal) else v for name, v in values.items()}

    @property
    def edited(self) -> bool:
        """Confirmed or changed by an editor since the importer wrote it (or added by hand)."""
        return self.confirmed or self.extracted_values() != self.extracted

    @property
    def years(self) -> str:
        if self.year_from and self.year_to and self.year_from != self.year_to:
            return f"{self.year_from}–{self.year_to}"
        if self.year_from and not self.year_to:
            return f"{self.year_from}–"
        return str(self.year_to or self.year_from or "")

    @property
    def display_value(self) -> str:
        """The value as a reader writes it: 3.2万人, 300万元, 62% → 95%, 3万–5万元."""
        if self.value is None:
            return ""
        text = format_amount(self.value)
        if self.value_max is not None:
            text = f"{text}–{format_amount(self.value_max)}"
        return f"{text}{self.unit}"

    @property
    def display_baseline(self) -> str:
        return f"{format_amount(self.baseline)}{self.unit}" if self.baseline is not None else ""


def format_amount(value) -> str:
    """32000 → 3.2万, 150000000 → 1.5亿, 606328 → 606328, 95.5 → 95.5 (Chinese readers count in 万 and 亿)."""
    value = Decimal(value)
    for size, word in ((Decimal(10**8), "亿"), (Decimal(10**4), "万")):
        # Only where the text would have written it so: 60.6328万 is no way to say 606328.
        if abs(value) >= size and (value / size) == (value / size).quantize(Decimal("0.01")):
            return f"{_written(value / size)}{word}"
    return _written(value)


def _written(value: Decimal) -> str:
    return format(plain_number(value.quantize(Decimal("0.0001"))), "f")  # four decimals, as stored


class LibraryState(models.Model):
    """One row: the public version.  ``version`` grows with every change to what the public
    pages show (cases/public.py), ``changed`` is its time (Last-Modified), and ``epoch`` tells
    this database from another (a restored backup, a rebuilt corpus) in a shared cache."""

    version = models.BigIntegerField(default=0)
    epoch = models.UUIDField(default=uuid.uuid4)
    changed = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"public version {self.version}"


@receiver(m2m_changed, sender=CaseKeyword)
@receiver(m2m_changed, sender=Case.themes.through)
def _relations_changed(sender, instance, action, **kwargs):
    """Keywords are public and themes settle the importer's doubt about them: whoever changes
    them (the form, a bulk action, an import, a revert), the checks run again, and the flags,
    one of the row's own fields, follow."""
    if isinstance(instance, Case) and action in ("post_add", "post_remove", "post_clear"):
        from .quality import live_flags

        flags = live_flags(instance)
        if sender is Case.themes.through and action == "post_add":
            flags = [f for f in flags if f != "theme-unknown"]  # the editor placed what the importer could not
        if flags != instance.quality_flags:
            Case.objects.filter(pk=instance.pk).update(quality_flags=flags)
            instance.quality_flags = flags


@contextmanager
def one_record(case: Case, history_type: str = "~"):
    """Save a case and set its themes and keywords as one change of its history.

    simple-history records a save, and each later change of its themes or keywords, apart: an
    edit would leave a record with the new text and the old themes, then one per relation.
    Within this block nothing is recorded; at its end, one record of the result is."""
    case.skip_history_when_saving = True
    try:
        yield
    finally:
        del case.skip_history_when_saving
    HISTORY.create_historical_record(case, history_type)


# ---- Downloads: data releases and the few on-the-fly exports allowed at once ----------------


class Release(models.Model):
    """A data release: the whole published library built once into files (cases/release.py)."""

    name = models.CharField(max_length=40, unique=True, help_text=_("发布日期，如 2026-12-01（同日再次发布加 .2）"))
    created = models.DateTimeField(auto_now_add=True)
    library_version = models.BigIntegerField(help_text=_("构建时的公开版本（LibraryState.version）"))
    library_epoch = models.CharField(max_length=36, blank=True)
    case_count = models.PositiveIntegerField()
    # [{"format", "path", "size", "sha256"}], and {"added": …, "changed": …, "withdrawn": …}.
    files = models.JSONField(default=list)
    changelog = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    # Building a release changes no public data: the public version stays (cases/public.py), so that
    # the release can tell it still holds the library as it is (release.latest_file).
    versioned = False

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("数据发布")
        verbose_name_plural = _("数据发布")

    def __str__(self) -> str:
        return f"{self.name} (v{self.library_version})"

    @property
    def label(self) -> str:
        return f"v{self.library_version}"


class ExportSlot(models.Model):
    """One of the few on-the-fly exports that may run at once, across every worker and
    server (cases/limits.py): taken until ``until``, so that a killed worker's slot frees itself."""

    pool = models.CharField(max_length=10, default="export")
    number = models.PositiveSmallIntegerField(default=1)
    holder = models.CharField(max_length=32, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    versioned = False  # not public data (cases/public.py)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "number"], name="one_slot_per_number")]

    def __str__(self) -> str:
        return f"{self.pool} slot {self.number}"


class Synonym(models.Model):
    """A group of related words of the field (养老 敬老 老年人 …): a search for one also finds
    the others, ranked below the word asked for.  Read at query time: no reindex needed."""

    words = models.CharField(
        _("相关词"),
        max_length=300,
        unique=True,
        help_text=_(
            "用空格分隔的一组同义词或相关词，如：改厕 厕所革命 户厕。搜索其中一个词时，也会找到含其他词的案例（排在后面）"
        ),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["words"]
        verbose_name = _("同义词组")
        verbose_name_plural = _("同义词组")

    def __str__(self) -> str:
        return self.words

    def save(self, *args, **kwargs):
        self.words = " ".join(clean_group(self.words))
        super().save(*args, **kwargs)
