import csv
import io
import json

from django.core.management import call_command

from cases.export import FIELDS
from cases.models import Case


def export(*args):
    out = io.StringIO()
    call_command("export_cases", *args, stdout=out)
    return out.getvalue()


def test_json_export_has_the_documented_keys_and_official_names(seeded):
    rows = json.loads(export("--format", "json"))
    assert len(rows) == Case.objects.published().count()
    assert list(rows[0]) == FIELDS
    jiuyuan = next(r for r in rows if r["county"] == "九原区")
    assert (jiuyuan["province"], jiuyuan["prefecture"], jiuyuan["region_code"]) == ("内蒙古自治区", "包头市", "150207")
    assert jiuyuan["themes"] == ["农村人居环境整治", "乡村治理"]
    assert jiuyuan["source"] == "000_816a42d77fff0dc0.txt"
    assert jiuyuan["status"] == "published"
    national = next(r for r in rows if r["title"] == "全国乡村振兴系统建设和工作推进电视电话会议")
    assert (national["province"], national["region_code"], national["region_label"]) == (None, None, "全国")


def test_drafts_are_exported_only_when_asked(seeded):
    published = json.loads(export())
    everything = json.loads(export("--include-drafts"))
    assert len(everything) == 58
    assert {r["status"] for r in published} == {"published"}
    assert len(everything) > len(published)


def test_filters_narrow_the_export(seeded):
    sichuan = json.loads(export("--province", "四川"))
    assert {r["province"] for r in sichuan} == {"四川省"}
    assert {r["title"] for r in sichuan} >= {
        "“全程代办”实现农村公共服务“零距离”",
        "中共成都市委 成都市人民政府关于统筹城乡经济社会发展推进城乡一体化的意见（2024年2月6日）",
    }
    elder = json.loads(export("--theme", "农村养老服务"))
    assert elder and all("农村养老服务" in r["themes"] for r in elder)
    water = json.loads(export("--q", "供水"))
    assert "彭阳县" in {r["county"] for r in water}
    # Traditional characters in a query find simplified text.
    assert json.loads(export("--q", "供水")) == json.loads(export("--q", "供水"))
    assert json.loads(export("--q", "養老")) == json.loads(export("--q", "养老"))


def test_csv_export_round_trips_with_the_json(seeded):
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv"))))
    as_json = json.loads(export("--format", "json"))
    assert [r["slug"] for r in rows] == [r["slug"] for r in as_json]
    assert rows[0]["themes"] == ";".join(as_json[0]["themes"])
    assert rows[0]["body"] == as_json[0]["body"]
