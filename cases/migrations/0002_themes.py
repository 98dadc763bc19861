"""The controlled vocabulary of themes: the 13 themes of the national
typical-case programme for rural public services, then 4 for the seeds' other
material."""

from django.db import migrations

THEMES = [
    ('resource-allocation', '城乡公共资源均衡配置', 'Balanced urban-rural allocation of public resources'),
    ('county-coordination', '县乡村公共服务统筹', 'County-township-village coordination of public services'),
    ('township-services', '乡镇公共服务与便民服务', 'Township public and convenience services'),
    ('rural-infrastructure', '农村公共基础设施', 'Rural public infrastructure'),
    ('water-supply', '农村供水保障', 'Rural water supply'),
    ('living-environment', '农村人居环境整治', 'Rural living-environment improvement'),
    ('education', '农村教育', 'Rural education'),
    ('health', '农村医疗卫生', 'Rural health care'),
    ('culture-sports', '乡村公共文化体育', 'Rural public culture and sports'),
    ('elderly-care', '农村养老服务', 'Rural elderly care'),
    ('childcare', '农村托幼服务', 'Rural childcare and preschool'),
    ('left-behind-children', '农村留守儿童关爱保护', 'Care for left-behind children'),
    ('diverse-supply', '公共服务多元化供给', 'Diversified supply of public services'),
    ('poverty-gains', '巩固脱贫攻坚成果', 'Consolidating poverty-alleviation gains'),
    ('rural-governance', '乡村治理', 'Rural governance'),
    ('employment', '农村就业创业', 'Rural employment and entrepreneurship'),
    ('finance-insurance', '农村金融保险', 'Rural finance and insurance'),
]


def create(apps, schema_editor):
    Theme = apps.get_model("cases", "Theme")
    for position, (slug, name, name_en) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "position": position})


def remove(apps, schema_editor):
    apps.get_model("cases", "Theme").objects.filter(slug__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
