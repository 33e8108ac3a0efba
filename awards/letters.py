"""The register of a unit's submission letters (tờ trình): one gapless series a year for its
letters to the level above (SubmissionLetter) and to outside authorities (OutsideProposal),
numbered the way offices write them, "15/TTr-CĐVC"."""

import re

from awards.models import LetterCounter
from unions import registers

# The leading capitals of a short name such as "CĐCS Sở Tư pháp" or "CĐVC Hà Nội".
_SYMBOL = re.compile(r"^([A-ZĐ][A-ZĐ0-9]+)(?:\s|$)")


def unit_symbol(unit):
    """The unit's abbreviation in a document's number (ký hiệu): the capitals its short name
    starts with ("CĐCS Sở Tư pháp" → CĐCS), else the initials of its name's words ("Công đoàn
    Viên chức Việt Nam" → CĐVCVN)."""
    if match := _SYMBOL.match(unit.short_name or ""):
        return match.group(1)
    return "".join(word[0] for word in unit.name.split() if word[0].isalnum()).upper()


def take_letter_number(unit, year):
    """(the next number of `unit`'s register of `year`, the letter's number as written). Call it
    inside the transaction that writes the letter: the register's row stays locked until then,
    so numbers run without gaps and none is used twice."""
    number, _last = registers.take_numbers(LetterCounter, unit=unit, year=year)
    return number, f"{number}/TTr-{unit_symbol(unit)}"


def foreseen_letter_number(unit, year):
    """The number the unit's next letter of `year` would take, read without the lock: what a
    form shows before sending. Another letter sent in between may take it."""
    last = (
        LetterCounter.objects.filter(unit=unit, year=year)
        .values_list("last_number", flat=True)
        .first()
        or 0
    )
    return f"{last + 1}/TTr-{unit_symbol(unit)}"
