"""Vietnamese text: normalisation, accent-free search keys and a Vietnamese sort key.

Names are typed on many keyboards (Unikey in composed or decomposed mode, phones) or pasted from
documents: store them NFC and without invisible characters, so that one name is one string.
Search compares an accent-free, lower-case folding, so that "nguyen thi hang" finds "Nguyễn Thị
Hằng". Lists sort in Vietnamese order: by given name (the last word) first, then by the whole
name, letters in the Vietnamese alphabet (a ă â b c d đ e ê ...) and the tones as a tie-break.
"""

import re
import unicodedata

_SPACE = " "
_FILE_NAME_WORD = re.compile(r"[a-z0-9]+")

# Combining marks that make a distinct letter of the Vietnamese alphabet (ă â ê ô ơ ư).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Tone marks, in dictionary order after the level tone: huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
]  # fmt: skip
# Two digits per letter keep the key comparable under any database collation (digits sort the
# same in C, ICU and glibc locales, where letters and spaces do not). 00 ends the primary part,
# 01 separates words, letters start at 02, anything else sorts last.
_LETTER_CODE = {letter: f"{index + 2:02d}" for index, letter in enumerate(_ALPHABET)}
_OTHER_CODE = "99"


# Characters a name never needs and a reader never sees: control characters (Cc, but white
# space, which is collapsed) and formatting marks (Cf): the bidirectional embeddings, overrides
# and isolates (U+202A–U+202E, U+2066–U+2069) that can make a name read backwards, the
# zero-width spaces, joiners and direction marks (U+200B–U+200F), the byte order mark (U+FEFF),
# soft hyphens. A name pasted with them would look like another one and not be found by search.
_INVISIBLE_CATEGORIES = {"Cc", "Cf"}


def _visible(char):
    return char.isspace() or unicodedata.category(char) not in _INVISIBLE_CATEGORIES


def normalize_text(value):
    """NFC-normalise, drop control characters and invisible formatting marks, and collapse runs
    of white space; None stays None. Every name goes through it before it is stored."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value)
    if not text.isprintable():  # the common case, plain text, needs no scan
        text = "".join(char for char in text if _visible(char))
    return " ".join(text.split())


def fold(value):
    """Accent-free, lower-case form for searching: 'Nguyễn Thị Hằng' -> 'nguyen thi hang'."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def file_name_part(value, limit=80):
    """A piece of a file name made of safe parts only: the accent-free, lower-case words and
    numbers of `value` joined by hyphens ('Nguyễn Thị Hằng' -> 'nguyen-thi-hang', '45/QĐ-CĐ' ->
    '45-qd-cd'). No path separator, dot or control character can reach a download's name or a
    ZIP entry ('../../x' -> 'x'); empty when `value` has no letter or digit."""
    return "-".join(_FILE_NAME_WORD.findall(fold(value)))[:limit].strip("-")


def _letters_and_tones(word):
    """Split a word into Vietnamese base letters (with ă â ê ô ơ ư kept) and its tone digits."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES:
            tones.append(_TONES[char])
        elif char in (_BREVE, _CIRCUMFLEX, _HORN) and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        elif not unicodedata.combining(char):
            letters.append(char)
    return letters, "".join(tones) or "0"


def sort_key(full_name):
    """A key that sorts names in Vietnamese order: given name first, tones as a tie-break."""
    words = normalize_text(full_name or "").split(_SPACE)
    ordered = words[-1:] + words  # the given name leads, the whole name breaks ties
    primary, secondary = [], []
    for word in ordered:
        letters, tones = _letters_and_tones(word)
        primary.append("".join(_LETTER_CODE.get(letter, _OTHER_CODE) for letter in letters))
        secondary.append(tones)
    return ("01".join(primary) + "00" + "".join(secondary))[:400]
