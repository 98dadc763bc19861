"""Personal data in case texts (pure: no database)."""

import pytest

from cases.ingest.privacy import digest, findings, valid_id_card


def kinds(text):
    return [(f.kind, f.text) for f in findings(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("身份证号11010519491231002X。", [("id-card", "11010519491231002X")]),
        ("身份证号110105194912310021。", []),  # the check digit is wrong: not an ID number
        ("编号20231231000000001234", []),  # a longer number is not an ID
        ("联系电话13812345678", [("mobile", "13812345678")]),
        ("手机 138-1234-5678 或 139 8765 4321", [("mobile", "138-1234-5678"), ("mobile", "139 8765 4321")]),
        ("服务热线12345、0571-88888888", []),  # hotlines and landlines are public
        ("资金12345678901元", []),  # starts with 12: not a mobile number
        ("留守儿童王小明今年9岁", [("child-name", "王小明")]),
        ("9岁的留守儿童李小红，父母外出务工", [("child-name", "李小红")]),
        ("兴乐小学学生谭佳、胡一梦。", [("child-name", "谭佳"), ("child-name", "胡一梦")]),
        ("张伟，10岁，", [("child-name", "张伟")]),
        ("留守儿童小雨（化名）在儿童之家", []),  # a pseudonym
        ("学生王某某、李某", []),  # anonymized
        ("学生张贴标语，孩子们很开心", []),
        ("该县有留守儿童1200名", []),
    ],
)
def test_findings(text, expected):
    assert kinds(text) == expected


def test_id_card_checksum():
    assert valid_id_card("11010519491231002X")
    assert valid_id_card("11010519491231002x")
    assert not valid_id_card("110105194912310020")


def test_digest_is_about_what_was_found_not_where():
    one = findings("电话13812345678。")
    same = findings("另一段文字，电话13812345678，再次出现13812345678")
    other = findings("电话13987654321。")
    assert digest(one) == digest(same) != digest(other)
    assert digest([]) == ""
