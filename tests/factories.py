"""Plain factories for view and admin tests (factory_boy): a case is published, in
浙江省, with one theme, no keywords and its own source, unless a test says otherwise
(``place="511803"`` puts it in a region of the gazetteer with the region's province and
prefecture, ``tags=[...]`` gives it keywords).  An account is an editor (编辑) unless
``role=REVIEWER``.  Use them with the ``empty_library`` fixture to count what a test built."""

import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from cases.models import Case, KeyFigure, Region, Source, Theme
from cases.roles import EDITOR


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    slug = factory.Sequence(lambda n: f"test-theme-{n}")
    name = factory.Sequence(lambda n: f"测试主题{n}")
    name_en = factory.Sequence(lambda n: f"Test theme {n}")
    position = 100


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    file_name = factory.Sequence(lambda n: f"test-source-{n}.txt")
    title = factory.Sequence(lambda n: f"测试来源文档{n}")
    sha256 = factory.LazyAttribute(lambda source: hashlib.sha256(source.file_name.encode()).hexdigest())
    raw_text = "蓝莓合作社带动农户增收。"


ZHEJIANG = "浙江"


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"test-case-{n}")
    title = factory.Sequence(lambda n: f"蓝莓合作社带动增收案例{n}")
    summary = "村集体领办蓝莓合作社，带动农户就近就业。"
    body = "村集体领办蓝莓合作社，统一技术、统一销售，带动农户就近就业增收。"
    province = factory.LazyFunction(lambda: Region.objects.get(code="330000"))
    region_label = None  # the place's name (_adjust_kwargs)
    year = 2030
    status = Case.Status.PUBLISHED
    source = factory.SubFactory(SourceFactory)
    ordinal = factory.Sequence(lambda n: n + 1)
    span_start, span_end = 0, 12

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        place = kwargs.pop("place", None)
        if place is not None:  # a region's code: the case lies in it and in the regions above it
            region = Region.objects.get(code=place)
            kwargs.update(region.lineage())
        if kwargs["region_label"] is None:  # not given: the place's own name, else the default province's
            kwargs["region_label"] = region.name if place is not None else ZHEJIANG
        return kwargs

    @factory.post_generation
    def themes(case, create, extracted, **kwargs):
        if create:
            case.themes.set(extracted if extracted is not None else [ThemeFactory()])

    @factory.post_generation
    def tags(case, create, extracted, **kwargs):
        if create and extracted:
            case.tags.set(extracted)


class KeyFigureFactory(DjangoModelFactory):
    """A key figure as an editor confirmed it: 惠及3.2万人."""

    class Meta:
        model = KeyFigure

    case = factory.SubFactory(CaseFactory)
    kind = KeyFigure.Kind.FIGURE
    indicator = "惠及群众"
    value = Decimal("32000")
    unit = "人"
    quote = "惠及群众3.2万人"
    confirmed = True


class UserFactory(DjangoModelFactory):
    """An admin account in one of the two roles the migration creates (as ``create_editor`` makes it)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            user.groups.set([Group.objects.get(name=extracted or EDITOR)])
