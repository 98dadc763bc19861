"""Repair runs of GBK text that were decoded one byte out of step.

A damaged run looks like ``變?yōu)椤耙淮无k”``: a slip marker ``?`` stands where
the first byte of the run was lost, the following bytes were decoded in the
wrong pairs, and (because the page was later folded to half-width) full-width
punctuation inside the run became ASCII.  The decoder falls back into step by
itself at a single-byte character (an ASCII letter, or ``€`` for 0x80) or
loses the run's last byte to a second ``?``.

Re-encoding the run as GBK and pairing the bytes one position earlier gives
the original text back, except for the first and last characters, of which
one byte each is lost.  Those are chosen among all GBK characters that share
the known byte: a pinyin annotation after the closing slip names the last
character (``?jīng)`` is 經), and a character-bigram model picks the candidate
that reads best in context.  Where no candidate is clearly best the character
becomes U+FFFD and the caller flags the text.

Fragments such as ``?shù)`` right after an opening slip are the remains of an
annotation whose parenthesis the slip swallowed.  They do not name the
character that follows (``?shù)厝罕`` is 地群, ``?qū)嶋H`` is 實際), so they
are not used as hints; being unbalanced, they are not text either and go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .charlm import CharBigramModel, canonical, word_model
from .chinese import ANNOTATION, TONE_LETTERS, is_cjk, readings, to_simplified

REPLACEMENT = "\ufffd"
SLIP = "?"
MAX_RUN = 80
# An annotation whose opening parenthesis a slip swallowed.
BROKEN_ANNOTATION = re.compile(rf"([{TONE_LETTERS}]{{1,7}})\)")
TAG_REMNANT = re.compile(r"<?/?[a-z]{1,6}>")

LEAD_BYTES = range(0x81, 0xFF)
TRAIL_BYTES = [*range(0x40, 0x7F), *range(0x80, 0xFF)]
# Shifted pairs that fall in GBK's user-defined areas cannot be decoded and
# were dropped from the run: two bytes lost in the middle (暖心 -> 拍).
LOST_PAIR_LEADS = [*range(0xAA, 0xB0), *range(0xF8, 0xFF)]
LOST_PAIR_TRAILS = range(0xA1, 0xFF)

# Scores are natural-log probabilities.  The margin by which the best
# candidate must beat the runner-up when no pinyin annotation confirms it:
CONFIDENCE_MARGIN = 1.5
SHORTLIST = 12  # candidates re-scored with the (slower) word model
QUOTE_PENALTY = 4.0  # per unbalanced quotation mark
# Splitting a character in two is a strong claim: it needs the document's
# own evidence and a clear gain, crediting the added character an average cost.
LOST_PAIR_MARGIN = 4.0
CHAR_CREDIT = 8.0
# Reading a slip inside a run as a full-width question mark is the rarer explanation.
INNER_QUESTION_COST = 8.0


def _unbalanced(text: str) -> int:
    """Quotation marks that open without closing, or close without opening."""
    depth = bad = 0
    for ch in text:
        if ch == "“":
            depth += 1
            bad += depth > 1
        elif ch == "”":
            if depth:
                depth -= 1
            else:
                bad += 1
    return bad + depth


@lru_cache(maxsize=65536)
def _simplified(text: str) -> str:
    return to_simplified(text)


@dataclass
class Repair:
    end: int
    text: str
    uncertain: int
    gain: float


def _single_byte(ch: str) -> bool:
    """A character the GBK decoder reads as one byte that can end a run."""
    return "\x40" <= ch <= "\x7e" or ch == "€"


def _encode_run(run: str) -> bytes | None:
    out = bytearray()
    for ch in run:
        if ch == "€":
            out.append(0x80)
        elif _single_byte(ch):
            out += ch.encode()
        elif ch.isascii():
            if not ("\x21" <= ch <= "\x3f"):
                return None
            # Half-width punctuation was full-width (GBK 0xA3xx) in the run.
            out += chr(ord(ch) + 0xFEE0).encode("gbk")
        else:
            try:
                out += ch.encode("gbk")
            except UnicodeEncodeError:
                return None
    return bytes(out)


def _decode_pair(lead: int, trail: int) -> str | None:
    try:
        ch = bytes([lead, trail]).decode("gbk")
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 and (is_cjk(ch) or ch in "，。、；：？！“”‘’（）《》—…·") else None


def _decode_body(data: bytes) -> str | None:
    try:
        text = data.decode("gbk")
    except UnicodeDecodeError:
        return None
    if "\ufffd" in text:
        return None
    # Full-width ASCII forms go back to the half-width the rest of the page uses.
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def _open_context(text: str) -> str:
    """The last two characters, or back to an unclosed opening quote."""
    quote = text.rfind("“")
    if quote != -1 and "”" not in text[quote:] and len(text) - quote <= 12:
        return text[quote:]
    return text[-2:]


def _context(text: str) -> str:
    """Neighbouring text as the model should read it: without annotations or tags."""
    return TAG_REMNANT.sub("", ANNOTATION.sub("", text))


SHORTLIST_CONTEXT = 1


class MojibakeRepairer:
    def __init__(self, lm: CharBigramModel) -> None:
        self.lm = lm
        self.words = word_model()

    def score(self, text: str) -> float:
        return self.lm.score(_simplified(text))

    def full_score(self, text: str) -> float:
        """Characters, words and balanced quotes: for the final choice among few candidates."""
        simplified = _simplified(text)
        return (
            self.lm.score(simplified)
            + self.words.score(simplified, self.lm.document)
            - QUOTE_PENALTY * _unbalanced(simplified)
        )

    def choose(self, candidates: list[str], left: str, right: str, hint: str | None) -> tuple[str, bool]:
        """The best candidate between two contexts, and whether it is clearly best."""
        if hint:
            heard = [c for c in candidates if hint in readings(c)]
            if heard:
                candidates = heard
        # Variants that read the same once simplified (經/经) are one candidate.
        candidates = list({_simplified(c): c for c in reversed(candidates)}.values())
        # Ranking needs only the characters next to the candidate: the rest of the
        # context adds the same to every score (and costs most of the time).
        near_left = canonical(_simplified(left[-SHORTLIST_CONTEXT:]))
        near_right = canonical(_simplified(right[:SHORTLIST_CONTEXT]))
        between = self.lm.between
        shortlist = sorted(candidates, key=lambda c: -between(near_left, canonical(_simplified(c)), near_right))
        shortlist = shortlist[:SHORTLIST]
        scored = sorted(((self.full_score(left + c + right), c) for c in shortlist), reverse=True)
        if not scored:
            return REPLACEMENT, False
        best, char = scored[0]
        if len(scored) == 1 or (hint and hint in readings(char)):
            return char, True
        return char, best - scored[1][0] >= CONFIDENCE_MARGIN

    def run_at(self, text: str, slip: int) -> Repair | None:
        pos = slip + 1
        fragment = BROKEN_ANNOTATION.match(text, pos)
        if fragment:
            pos = fragment.end()
        best: Repair | None = None
        for end in range(pos + 1, min(len(text), pos + MAX_RUN) + 1):
            last = text[end - 1]
            if last == SLIP:
                fix = self.repair(text, slip, pos, end - 1, trailing_slip=True)
            elif _single_byte(last):
                fix = self.repair(text, slip, pos, end, trailing_slip=False)
            elif last == "\n" or (last.isascii() and not "\x21" <= last <= "\x3f"):
                break
            else:
                continue
            if fix:
                # Reading a slip as a full-width question mark inside the run
                # is the rarer explanation.
                fix.gain -= INNER_QUESTION_COST * text.count(SLIP, pos, end - 1 if last == SLIP else end)
            if fix and fix.gain > 0 and (best is None or fix.gain > best.gain):
                best = fix
            if _single_byte(last) or (last == SLIP and text[end : end + 1] == "/"):
                break  # back in step, or the slip swallowed the "<" of a tag
        return best

    def repair(self, text: str, slip: int, start: int, stop: int, trailing_slip: bool) -> Repair | None:
        encoded = _encode_run(text[start:stop])
        if not encoded or (trailing_slip and len(encoded) < 2):
            return None
        run_end = stop + 1 if trailing_slip else stop
        trail_hint = None
        body = encoded[1:]
        last_candidates: list[str] = []
        if trailing_slip:
            hint = BROKEN_ANNOTATION.match(text, run_end)
            if hint:
                trail_hint, run_end = hint.group(1), hint.end()
            last_lead, body = body[-1], body[:-1]
            last_candidates = [c for b in TRAIL_BYTES if (c := _decode_pair(last_lead, b))]
            if not last_candidates:
                return None
        first_candidates = [c for b in LEAD_BYTES if (c := _decode_pair(b, encoded[0]))]
        middle = _decode_body(body)
        if middle is None or not first_candidates:
            return None
        left = _context(text[max(0, slip - 30) : slip])[-12:]
        right = _context(text[run_end : run_end + 30])[:3]
        middle = self.restore_lost_pair(middle, left, right)
        first, sure_first = self.choose(first_candidates, left[-2:], middle[:2], None)
        left = left[-3:]
        last, sure_last = "", True
        if trailing_slip:
            heard = trail_hint and any(trail_hint in readings(c) for c in last_candidates)
            if trail_hint and not heard:
                # The annotation names none of the candidates: the pair between
                # the last two characters was dropped, and the annotation
                # belongs to a lost character after the last one (會 + 經(jīng)).
                pairs = [a + b for a in last_candidates for b in self.lm.chars_read_as(trail_hint)]
                last, sure_last = self.choose(pairs, (left + first + middle)[-2:], right[:2], None)
            else:
                last, sure_last = self.choose(
                    last_candidates, _open_context(left + first + middle), right[:2], trail_hint
                )
        uncertain = (not sure_first) + (not sure_last)
        repaired = (first if sure_first else REPLACEMENT) + middle + (last if sure_last else REPLACEMENT)
        gain = self.score(left + first + middle + last + right) - self.score(left + text[slip:run_end] + right)
        return Repair(run_end, repaired, uncertain, gain)

    def restore_lost_pair(self, middle: str, left: str, right: str) -> str:
        """Split one character in two where a dropped pair reads clearly better.

        With the pair (X, Y) lost, the true characters (u, X) (Y, v) were
        re-paired as the single character (u, v).
        """
        for _ in range(3):  # a run may have lost more than one pair
            restored = self._restore_one(middle, left, right)
            if restored == middle:
                break
            middle = restored
        return middle

    def _restore_one(self, middle: str, left: str, right: str) -> str:
        best_text, best_score = middle, self.score(left + middle + right)
        # Only the characters that read worst in their place are worth trying.
        text = left + middle + right
        local = []
        for k, ch in enumerate(middle):
            if is_cjk(ch):
                i = len(left) + k
                local.append((self.score(text[i - 1 : i + 2]) if i else 0.0, k))
        for _, k in sorted(local)[:3]:
            u, v = middle[k].encode("gbk")
            firsts = [c for x in LOST_PAIR_LEADS if (c := _decode_pair(u, x))]
            seconds = [c for y in LOST_PAIR_TRAILS if (c := _decode_pair(y, v))]
            for a in firsts:
                for b in seconds:
                    # Only a split into a word the document itself uses elsewhere.
                    if not self.lm.document.get(_simplified(a + b)):
                        continue
                    candidate = middle[:k] + a + b + middle[k + 1 :]
                    # The split adds a character; credit it an average one's cost.
                    score = self.score(left + candidate + right) + CHAR_CREDIT
                    if score > best_score + LOST_PAIR_MARGIN:
                        best_text, best_score = candidate, score
        return best_text


def repair_mojibake(text: str, lm: CharBigramModel) -> tuple[str, int]:
    """Repair every shifted GBK run; returns the text and the number of characters left uncertain."""
    repaired, uncertain, _ = _repair_runs(text, lm)
    return repaired, uncertain


def _repair_runs(text: str, lm: CharBigramModel) -> tuple[str, int, list[tuple[int, int]]]:
    repairer = MojibakeRepairer(lm)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    uncertain = 0
    i = 0
    while i < len(text):
        if text[i] == SLIP and (fix := repairer.run_at(text, i)):
            out.append(fix.text)
            spans.append((i, fix.end))
            uncertain += fix.uncertain
            i = fix.end
            continue
        out.append(text[i])
        i += 1
    return "".join(out), uncertain, spans


def repair_document(text: str, lm: CharBigramModel, plain) -> tuple[str, int]:
    """Two passes.  The first finds the damaged runs; the text around them
    teaches the second pass the document's own words (好水 in 吃上了好水,
    生活 in 群眾生活).  Repaired runs are left out of that lesson, so that a
    first-pass mistake cannot vouch for itself.  ``plain`` turns raw text
    into what the model reads (annotations dropped, simplified)."""
    _, _, spans = _repair_runs(text, lm)
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    document_model = lm.with_document(plain("\n".join(parts)))
    return repair_mojibake(text, document_model)
