"""Quality flags: what the importer (or a later check) doubts about a case.

A *blocking* flag keeps a case from being published until an editor fixes the
cause (the check clears itself on save) or, for personal data, a reviewer
confirms the text may be published."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .ingest import privacy
from .ingest.mojibake import REPLACEMENT
from .ingest.pipeline import BLOCKING


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    explanation: str

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING  # the importer's list, which also decides what it publishes


FLAGS = {
    f.code: f
    for f in (
        Flag("no-title", _("缺少标题"), _("原文中找不到这一条的标题，请补写标题。")),
        Flag("region-unknown", _("地区不明"), _("无法从原文确定所在地区（可能是匿名化的地名），请用“地区”字段选择。")),
        Flag(
            "unrecoverable-characters",
            _("有无法恢复的字符"),
            _("原文乱码中有无法确定的字，以 � 标出，请对照来源文档改正。"),
        ),
        Flag(
            "personal-data",
            _("可能含个人信息"),
            _(
                "文本中疑似有身份证号、手机号或受助儿童的真实姓名。请删除或改为化名；"
                "确属可公开的信息时，由审核人员确认后才能发布。"
            ),
        ),
        Flag(
            "region-ambiguous",
            _("地区不确定"),
            _("原文提到多个地方，看不出写的是哪一个（或是全国性的），请用“地区”字段选择，或标为全国。"),
        ),
        Flag("stub", _("只有条目"), _("这一条来自名单或表格，只有标题和地区，没有正文，请补充内容。")),
        Flag("theme-unknown", _("主题不明"), _("原文没有明确的主题，请选择主题。")),
        Flag("repeated-text", _("有重复文字"), _("原文有大段重复的行，导入时只保留了一行，请对照来源检查。")),
        Flag("region-inferred", _("地区为推断"), _("原文隐去了地名，地区由文中其他线索推断，请核对。")),
        Flag("region-from-landmark", _("地区来自地标"), _("地区由文中的景区或功能区名称推断，请核对。")),
        Flag("year-conflict", _("年份存疑"), _("文中的阿拉伯数字年份与落款年份不一致，采用了落款年份。")),
    )
}


# Characters of text that make a list's entry a case.
STUB_TEXT = 50


def flag(code: str) -> Flag:
    return FLAGS.get(code) or Flag(code, code, "")


def blocking(codes) -> list[Flag]:
    return [flag(c) for c in codes if flag(c).blocking]


def live_flags(case, tag_names: list[str] | None = None) -> list[str]:
    """The flags of a case after an edit: checks that can be re-run are re-run;
    the importer's remarks about how it read the source stay.  ``tag_names``: the
    keywords about to be set, if not the stored ones."""
    text = case.full_text
    codes = set(case.quality_flags or [])
    if case.title.strip():
        codes.discard("no-title")
    if case.province_id or case.region_label == "全国":
        codes.discard("region-unknown")
        codes.discard("region-ambiguous")
    # A stub is complete once an editor gives it a text of its own.
    if len(text.strip()) >= STUB_TEXT:
        codes.discard("stub")
    if REPLACEMENT not in case.title + text:
        codes.discard("unrecoverable-characters")
    # The importer's doubt that an editor's own choice settles: a year changed from the one the
    # importer wrote.  (A theme chosen for a case it could not place: when themes are added.)
    if "year" in (case.imported or {}) and case.year != case.imported["year"]:
        codes.discard("year-conflict")
    found = case.privacy_findings(tag_names)
    if found and privacy.digest(found) != case.privacy_cleared:
        codes.add("personal-data")
    else:
        codes.discard("personal-data")
    return sorted(codes)
