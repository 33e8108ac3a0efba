"""The union's catalogue of award kinds (movements/catalogue.py): who grants what, as data with
its legal basis, and the nomination's way to the unit that grants it."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from awards import services
from movements.models import AwardKind, BaseSalary, Grantor
from tests.factories import MemberFactory, nominate, register
from unions.models import UnitLevel

UNION_RULE = (
    "Quy chế Khen thưởng của tổ chức Công đoàn ban hành kèm theo Quyết định số 999/QĐ-TLĐ "
    "ngày 29/5/2024 của Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam"
)


@pytest.fixture
def catalogue(db):
    call_command("seed_award_kinds", stdout=StringIO())
    return {kind.code: kind for kind in AwardKind.objects.all()}


def test_the_catalogue_loads_once(catalogue):
    out = StringIO()
    call_command("seed_award_kinds", stdout=out)
    assert "0 new" in out.getvalue()
    assert BaseSalary.objects.count() == 1


def test_the_agency_head_decides_the_titles_and_its_giay_khen(catalogue):
    for code in ("LDTT", "CSTD-CS", "TTLDTT", "GK-CQ"):
        assert catalogue[code].grantor == Grantor.AGENCY_HEAD, code
        assert catalogue[code].granting_level == UnitLevel.GRASSROOTS  # who proposes it
    assert catalogue["CSTD-TINH"].grantor == Grantor.PROVINCE
    assert catalogue["BK-TTG"].grantor == Grantor.STATE


def test_the_unions_own_forms_carry_their_legal_basis(catalogue):
    own = [kind for kind in catalogue.values() if kind.grantor == Grantor.UNION]
    assert {kind.code for kind in own} == {
        "GK-CDCT", "CDCS-HTXSNV", "BK-LDLD", "CTD-LDLD", "BK-TLD", "BK-TLD-CD", "CTD-TLD",
        "KNC-CD",
    }  # fmt: skip
    for kind in own:
        assert UNION_RULE in kind.legal_basis and "06/2022/QH15" in kind.legal_basis
    assert catalogue["BK-LDLD"].granting_levels == (UnitLevel.PROVINCIAL, UnitLevel.NATIONAL)
    assert (catalogue["BK-TLD"].scope, catalogue["BK-TLD-CD"].scope) == ("general", "thematic")
    thematic = catalogue["BK-TLD-CD"]
    assert (thematic.cap_per_unit_per_round, thematic.cap_per_round) == (4, 300)
    names = " ".join(kind.name_vi for kind in catalogue.values())
    assert "hoàn thành xuất sắc nhiệm vụ" in names
    assert "vững mạnh xuất sắc" not in names and "Điển hình" not in names
    assert catalogue["BK-LDLD"].printed_title == "Bằng khen"


def test_one_bang_khen_each_provincial_or_national_union_grants(catalogue, users, tree, round_):
    """The nearest unit that grants it, or the one the proposer chooses among them."""
    kind = catalogue["BK-LDLD"]
    people = MemberFactory.create_batch(3, unit=tree.unit_a)
    for person in people:
        register(round_, person, target=kind)
    city = nominate(round_, kind, actor=users.officer_a, member=people[0], submit=True)
    assert city.deciding_unit == tree.city
    national = nominate(
        round_, kind, actor=users.officer_a, member=people[1], submit=True,
        granting_unit=tree.national,
    )  # fmt: skip
    assert (national.deciding_unit, national.reviewing_unit) == (tree.national, tree.city)
    with pytest.raises(ValidationError) as error:
        nominate(
            round_, kind, actor=users.officer_a, member=people[2], granting_unit=tree.confederation
        )
    assert error.value.code == "not_granting_unit"
    assert services.granting_unit(tree.unit_c, kind) == tree.other_city
