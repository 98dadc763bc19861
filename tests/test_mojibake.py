import pytest

from cases.ingest.charlm import model
from cases.ingest.chinese import to_simplified
from cases.ingest.mojibake import ANNOTATION, REPLACEMENT, repair_document, repair_mojibake


def plain(text):
    return to_simplified(ANNOTATION.sub("", text))


@pytest.mark.parametrize(
    "damaged, repaired",
    [
        # A run that falls back into step at an ASCII letter (the "k" of 辦).
        ("由“多次跑”變?yōu)椤耙淮无k”,", "由“多次跑”變為“一次辦”,"),
        # Full-width punctuation inside the run was folded to "!" and "?".
        ("“一次辦”?!白悴怀龃濉鞭k政務", "“一次辦”。“足不出村”辦政務"),
        ("浙江省寧波市寧??h以實施", "浙江省寧波市寧海縣以實施"),
        ("縣域?qū)嶋H,創新", "縣域實際,創新"),
    ],
)
def test_it_repairs_a_run_decoded_one_byte_out_of_step(damaged, repaired):
    text, uncertain = repair_mojibake(damaged, model())
    assert (text, uncertain) == (repaired, 0)


def test_the_document_teaches_the_model_its_own_words():
    damaged = "讓當(dāng)?shù)厝罕姵陨狭撕盟?。不僅讓群眾“吃好水”,更讓群眾享受服務。"
    text, uncertain = repair_document(damaged, model(), plain)
    assert text.startswith("讓當(dāng)地群眾吃上了好水。")
    assert uncertain == 0


def test_an_annotation_after_the_closing_slip_names_a_lost_character():
    # 生活 lost the pair between its characters (a user-defined GBK code);
    # 經 was lost whole, but its annotation survived the slip.
    damaged = "農民生活水平。制約當(dāng)?shù)厝罕娚詈蜕鐣?jīng)濟(jì)發展"
    text, uncertain = repair_document(damaged, model(), plain)
    assert (text, uncertain) == ("農民生活水平。制約當(dāng)地群眾生活和社會经濟(jì)發展", 0)


def test_an_uncertain_character_stays_a_replacement_character():
    text, uncertain = repair_mojibake("作制度、“全崗?fù)ā薄笆讍栘?fù)責(zé)制”", model())
    assert REPLACEMENT in text and uncertain == 1
    assert text.endswith("”“首問負責(zé)制”")


def test_a_question_mark_in_prose_is_left_alone():
    assert repair_mojibake("如何让乡村更宜居?这是一个问题。", model()) == ("如何让乡村更宜居?这是一个问题。", 0)
