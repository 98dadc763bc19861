"""Themes, tags and document types from the words of a text."""

from __future__ import annotations

import re

# slug, Chinese name, English name, keywords (title hits weigh three times).
THEMES: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "resource-allocation",
        "城乡公共资源均衡配置",
        "Balanced urban-rural allocation of public resources",
        ("均等化", "均衡配置", "城乡一体化", "城乡融合", "财政资金", "用财", "统筹城乡", "公共资源"),
    ),
    (
        "county-coordination",
        "县乡村公共服务统筹",
        "County-township-village coordination of public services",
        ("县乡村", "三级联动", "区、镇、村", "县域统筹", "市县镇村", "一体化办案"),
    ),
    (
        "township-services",
        "乡镇公共服务与便民服务",
        "Township public and convenience services",
        ("代办", "便民服务", "政务服务", "一门通办", "办事", "服务站", "服务中心", "乡镇街道体制", "社区服务"),
    ),
    (
        "rural-infrastructure",
        "农村公共基础设施",
        "Rural public infrastructure",
        ("基础设施", "危房改造", "危窑", "公路", "道路", "住房", "旱厕改造"),
    ),
    ("water-supply", "农村供水保障", "Rural water supply", ("供水", "饮水", "自来水", "人饮", "吃水", "水质")),
    (
        "living-environment",
        "农村人居环境整治",
        "Rural living-environment improvement",
        ("人居环境", "垃圾", "污水", "厕所", "环卫", "村容村貌", "环境整治", "生态环境"),
    ),
    ("education", "农村教育", "Rural education", ("教育", "学校", "教师", "义务教育", "办学", "中小学", "校园")),
    ("health", "农村医疗卫生", "Rural health care", ("医疗", "卫生院", "医保", "医养", "卫生室", "健康服务")),
    (
        "culture-sports",
        "乡村公共文化体育",
        "Rural public culture and sports",
        ("文化", "文体", "书屋", "舞台", "健身", "非物质文化遗产", "广场"),
    ),
    (
        "elderly-care",
        "农村养老服务",
        "Rural elderly care",
        ("养老", "老人", "颐养", "幸福院", "失能", "护理险", "暖心食堂"),
    ),
    (
        "childcare",
        "农村托幼服务",
        "Rural childcare and preschool",
        ("幼儿园", "幼教", "入园", "学前教育", "托育", "小幼"),
    ),
    (
        "left-behind-children",
        "农村留守儿童关爱保护",
        "Care for left-behind children",
        ("留守儿童", "困境儿童", "未成年人保护", "留守学生"),
    ),
    (
        "diverse-supply",
        "公共服务多元化供给",
        "Diversified supply of public services",
        ("政府购买服务", "社会资本", "社会力量", "志愿服务", "众筹", "慈善", "市场化", "委托"),
    ),
    (
        "poverty-gains",
        "巩固脱贫攻坚成果",
        "Consolidating poverty-alleviation gains",
        ("脱贫", "返贫", "扶贫", "贫困", "乡村振兴有效衔接", "帮扶"),
    ),
    (
        "rural-governance",
        "乡村治理",
        "Rural governance",
        ("治理", "扫黑除恶", "法治", "矛盾纠纷", "村规民约", "自治", "调解", "信访", "维稳", "党建"),
    ),
    (
        "employment",
        "农村就业创业",
        "Rural employment and entrepreneurship",
        ("就业", "创业", "务工", "劳动力", "技能培训", "劳务"),
    ),
    (
        "finance-insurance",
        "农村金融保险",
        "Rural finance and insurance",
        ("保险", "信贷", "贷款", "金融", "银行", "农险"),
    ),
]

TAGS = [
    "垃圾分类",
    "医养结合",
    "互联网+",
    "留守儿童",
    "代办服务",
    "城乡供水一体化",
    "厕所革命",
    "小规模学校",
    "委托办学",
    "乡贤",
    "志愿服务",
    "积分制",
    "农业保险",
    "扫黑除恶",
    "易地扶贫搬迁",
    "危房改造",
    "政府购买服务",
    "集团化办学",
    "公益诉讼",
    "矛盾纠纷化解",
    "城乡一体化",
    "义务教育均衡",
    "村规民约",
    "新时代文明实践",
    "防止返贫",
    "长期护理保险",
    "幸福院",
    "一门通办",
    "网格化管理",
    "对口帮扶",
    "居家养老",
    "党建引领",
    "城乡环卫一体化",
    "学前教育",
    "农村电商",
]
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


def themes_for(title: str, text: str, heading: str = "", limit: int = 3) -> list[str]:
    """Up to three theme slugs, strongest first; at least one."""
    scores: dict[str, float] = {}
    for slug, _, _, words in THEMES:
        score = 0.0
        for w in words:
            score += 3 * title.count(w) + min(text.count(w), 6) * 0.5
        if HEADING_THEMES.get(heading) == slug:
            score += 3
        if score:
            scores[slug] = score
    if not scores:
        return ["resource-allocation"]
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top = ranked[0][1]
    return [slug for slug, s in ranked[:limit] if s >= max(2.5, top * 0.45)] or [ranked[0][0]]


def tags_for(text: str) -> list[str]:
    found = [t for t in TAGS if t in text]
    for word, tag in TAG_SYNONYMS.items():
        if word in text and tag not in found:
            found.append(tag)
    return found[:8]


def doc_type_for(title: str, text: str, shape: str, label: str = "") -> str:
    head = text[:300]
    if re.search(r"(汇报|报告|总结|材料|讲话)", title):
        return "report"
    if (
        re.search(r"(意见|通知|办法|决定|规定|方案)(（.*）)?$", title)
        or re.search(r"^各.{1,60}[：:]$", head, re.M)
        or re.search(r"关于.{2,60}的(意见|通知|决定|办法)", head)
    ):
        return "policy"
    if re.search(r"评论|笔者|谈谈.{0,6}意见|不成熟的意见", text[:600]):
        return "commentary"
    if shape == "newsletter" or re.search(r"^(近日|日前)|记者|新闻发布会", text[:300]):
        return "news"
    return "case"
