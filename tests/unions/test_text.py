import unicodedata

from unions.text import file_name_part, fold, normalize_text, sort_key


def test_normalize_text_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    assert decomposed != "Nguyễn Thị Hằng"
    assert normalize_text(f"  {decomposed}  ") == "Nguyễn Thị Hằng"


def test_fold_strips_accents_and_d_bar():
    assert fold("Đặng Thị Hằng") == "dang thi hang"


def test_sort_key_orders_by_given_name_first():
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Văn Bình"]
    assert sorted(names, key=sort_key) == ["Trần Thị An", "Lê Văn Bình", "Nguyễn Văn Bình"]


def test_sort_key_follows_the_vietnamese_alphabet():
    # a < ă < â and d < đ: the order of the Vietnamese alphabet, not of Unicode code points.
    names = ["Lê Ân", "Lê Ăn", "Lê An", "Lê Đào", "Lê Dung"]
    assert sorted(names, key=sort_key) == ["Lê An", "Lê Ăn", "Lê Ân", "Lê Dung", "Lê Đào"]


def test_sort_key_breaks_ties_by_tone():
    names = ["Lê Thị Hà", "Lê Thị Hạ", "Lê Thị Hả", "Lê Thị Ha"]
    assert sorted(names, key=sort_key) == ["Lê Thị Ha", "Lê Thị Hà", "Lê Thị Hả", "Lê Thị Hạ"]


def test_normalize_text_strips_bidirectional_invisible_and_control_characters():
    typed = "\u202eNguyễn\u200b Thị\ufeff  Hằng\u2066\u2069\x07\u200d"
    assert normalize_text(typed) == "Nguyễn Thị Hằng"
    assert normalize_text("Lê\tVăn\nAn\x1c") == "Lê Văn An"
    assert normalize_text("\u200b\u202e") == ""
    assert normalize_text("Hà Nội 😀 <b>") == "Hà Nội 😀 <b>"


def test_file_name_part_keeps_only_words_and_numbers():
    assert file_name_part("Nguyễn Thị Hằng") == "nguyen-thi-hang"
    assert file_name_part("45/QĐ-CĐVCHN") == "45-qd-cdvchn"
    assert file_name_part("../../x") == "x"
    assert file_name_part("..\\..\\\u202e\x00/etc") == "etc"
    assert file_name_part("../..") == ""
    assert len(file_name_part("a " * 100)) <= 80
