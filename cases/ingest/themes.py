"""Themes, tags and document types from the words of a text."""

from __future__ import annotations

import re

# slug, name (as in the Theme table, migration 0002), keywords (title hits weigh three times).
THEMES: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "resource-allocation",
        "城乡公共资源均衡配置",
        ("均等化", "均衡配置", "城乡一体化", "城乡融合", "财政资金", "用财", "统筹城乡", "公共资源"),
    ),
    (
        "county-coordination",
        "县乡村公共服务统筹",
        ("县乡村", "三级联动", "区、镇、村", "县域统筹", "市县镇村", "一体化办案"),
    ),
    (
        "township-services",
        "乡镇公共服务与便民服务",
        ("代办", "便民服务", "政务服务", "一门通办", "办事", "服务站", "服务中心", "乡镇街道体制", "社区服务"),
    ),
    ("rural-infrastructure", "农村公共基础设施", ("基础设施", "危房改造", "危窑", "公路", "道路", "住房", "旱厕改造")),
    ("water-supply", "农村供水保障", ("供水", "饮水", "自来水", "人饮", "吃水", "水质", "放心水", "优质水", "饮用水")),
    (
        "living-environment",
        "农村人居环境整治",
        ("人居环境", "垃圾", "污水", "厕所", "环卫", "村容村貌", "环境整治", "生态环境"),
    ),
    ("education", "农村教育", ("教育", "学校", "教师", "义务教育", "办学", "中小学", "校园")),
    (
        "health",
        "农村医疗卫生",
        ("医疗", "卫生院", "医保", "医养", "卫生室", "健康服务", "看病", "就医", "诊疗", "村医", "医生"),
    ),
    ("culture-sports", "乡村公共文化体育", ("文化", "文体", "书屋", "舞台", "健身", "非物质文化遗产", "广场")),
    ("elderly-care", "农村养老服务", ("养老", "老人", "颐养", "幸福院", "失能", "护理险", "暖心食堂")),
    ("childcare", "农村托幼服务", ("幼儿园", "幼教", "入园", "学前教育", "托育", "小幼")),
    ("left-behind-children", "农村留守儿童关爱保护", ("留守儿童", "困境儿童", "未成年人保护", "留守学生")),
    (
        "diverse-supply",
        "公共服务多元化供给",
        ("政府购买服务", "社会资本", "社会力量", "志愿服务", "众筹", "慈善", "市场化", "委托"),
    ),
    ("poverty-gains", "巩固脱贫攻坚成果", ("脱贫", "返贫", "扶贫", "贫困", "乡村振兴有效衔接", "帮扶")),
    (
        "rural-governance",
        "乡村治理",
        (
            "治理",
            "扫黑除恶",
            "法治",
            "矛盾纠纷",
            "村规民约",
            "自治",
            "调解",
            "信访",
            "维稳",
            "党建",
            "积分制",
            "清单制",
            "议事",
            "协商",
            "说事",
            "化解矛盾",
            "矛盾就地化解",
        ),
    ),
    ("employment", "农村就业创业", ("就业", "创业", "务工", "劳动力", "技能培训", "劳务")),
    ("finance-insurance", "农村金融保险", ("保险", "信贷", "贷款", "金融", "银行", "农险")),
]

TAGS = """垃圾分类 医养结合 互联网+ 留守儿童 代办服务 城乡供水一体化 厕所革命 小规模学校 委托办学 乡贤 志愿服务
    积分制 农业保险 扫黑除恶 易地扶贫搬迁 危房改造 政府购买服务 集团化办学 公益诉讼 矛盾纠纷化解 城乡一体化
    义务教育均衡 村规民约 新时代文明实践 防止返贫 长期护理保险 幸福院 一门通办 网格化管理 对口帮扶 居家养老
    党建引领 城乡环卫一体化 学前教育 农村电商""".split()
# Words that stand for a tag; each must be specific enough on its own.
TAG_SYNONYMS = {
    "代办": "代办服务",
    "全程代办": "代办服务",
    "积分": "积分制",
    "护理险": "长期护理保险",
    "城乡供水": "城乡供水一体化",
    "供水一体化": "城乡供水一体化",
    "均衡发展": "义务教育均衡",
    "危窑危房": "危房改造",
    "网格化": "网格化管理",
    "垃圾四分法": "垃圾分类",
    "五指分类法": "垃圾分类",
    "智分类": "垃圾分类",
    "党建+": "党建引领",
    "环卫一体化": "城乡环卫一体化",
    "托管帮扶": "对口帮扶",
    "结对帮扶": "对口帮扶",
}
# Section headings of a newsletter that stand for a theme.
HEADING_THEMES = {"脱贫攻坚": "poverty-gains", "人居环境": "living-environment", "基层治理": "rural-governance"}


# Names of departments and bodies (县教育局, 乡村振兴（扶贫）部门) say who took part, not what a
# case is about.
NOT_THEMES = re.compile(
    r"[\u4e00-\u9fff]{1,10}(?:（[\u4e00-\u9fff]{1,6}）)?(?:部门|厅|局|委员会|卫健委|发展改革委|办公室|司)(?=[，、。；：\s和与及等）)]|$)"
)


def _words(text: str) -> str:
    """The text without what only looks like a theme's word (服务工作 holds 务工)."""
    return NOT_THEMES.sub("", text).replace("服务工", "服务、工")


def _scores(title: str, text: str, heading: str = "") -> dict[str, float]:
    title, text = _words(title), _words(text)
    scores: dict[str, float] = {}
    for slug, _, words in THEMES:
        score = 0.0
        for w in words:
            score += 3 * title.count(w) + min(text.count(w), 6) * 0.5
        if HEADING_THEMES.get(heading) == slug:
            score += 3
        if score:
            scores[slug] = score
    return scores


def themes_for(title: str, text: str, heading: str = "", limit: int = 3, short_case: bool = True) -> list[str]:
    """Up to three theme slugs, strongest first.  None when no theme is more than
    mentioned in passing: the editor decides (the pipeline flags ``theme-unknown``).
    ``short_case``: the text is one case, whose few mentions of a theme may be its theme
    (a news report of a batch or a notice names many themes in passing)."""
    scores = _scores(title, text, heading)
    if not scores:
        return []
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top = ranked[0][1]
    chosen = [slug for slug, s in ranked[:limit] if s >= max(2.5, top * 0.45)]
    # A short text names its theme a few times: two mentions of one theme, well ahead of the
    # next, still count; a list of themes (a notice's 主题包括…) names each once and does not.
    if not chosen and short_case and top >= 1.0 and (len(ranked) == 1 or top >= 2 * ranked[1][1]):
        chosen = [ranked[0][0]]
    return chosen


def explain_themes(title: str, text: str, themes: list[str]) -> str:
    """The words each theme was read from: ``养老（标题）、老人×3``."""
    title, text = _words(title), _words(text)
    parts = []
    for slug, name, words in THEMES:
        if slug not in themes:
            continue
        found = [f"{w}（标题）" for w in words if w in title]
        found += [f"{w}×{text.count(w)}" for w in words if w in text and w not in title]
        parts.append(f"{name}：{'、'.join(found[:4])}")
    return "关键词 " + "；".join(parts) if parts else ""


def tags_for(text: str) -> list[str]:
    found = [t for t in TAGS if t in text]
    for word, tag in TAG_SYNONYMS.items():
        if word in text and tag not in found:
            found.append(tag)
    return found[:8]


def doc_type_for(title: str, text: str, shape: str, explain: bool = False):
    """The document type from structure: title words, a salutation (各…：), an own number,
    a reporter's byline or a dateline (…讯, …电), the first person of a report.  With
    ``explain``, also the rule that decided it."""
    head = text[:300]
    rules = [
        ("report", re.search(r"(汇报|报告|总结|材料|讲话)", title), "标题含‘{}’"),
        ("report", re.search(r"(汇报|报告|总结)如下", head), "正文‘{}’"),
        ("policy", re.search(r"(意见|通知|办法|决定|规定|方案|公告|通报|批复)(（.*）)?$", title), "标题含‘{}’"),
        ("policy", re.search(r"^各.{1,60}[：:]$", head, re.M), "称呼‘{}’"),
        ("policy", re.search(r"关于.{2,60}的(意见|通知|决定|办法)", head), "正文‘{}’"),
        ("policy", re.search(r"^[\u4e00-\u9fff]{1,12}[〔【\[]\d{4}[〕】\]]\d{1,4}号$", head, re.M), "文号‘{}’"),
        ("commentary", re.match(r"(评论|时评|短评|社评|观点)", title), "标题‘{}’"),
        ("commentary", re.search(r"评论|笔者|谈谈.{0,6}意见|不成熟的意见", text[:600]), "正文‘{}’"),
        ("news", re.fullmatch("newsletter", shape), "简报条目"),
        ("news", re.search(r"^(近日|日前)|记者|新闻发布会|^\S{2,12}讯|新华社.{0,12}电", text[:300], re.M), "正文‘{}’"),
    ]
    for kind, match, why in rules:
        if match:
            return (kind, "规则：" + why.format(match.group())) if explain else kind
    return ("case", "规则：无通知、新闻、评论或报告的特征") if explain else "case"
