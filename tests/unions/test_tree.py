from tests.factories import make_unit
from unions.models import Unit, UnitLevel


def test_tree_ancestors_are_listed_top_down(tree):
    assert list(Unit.objects.get_ancestors(tree.group_a1)) == [
        tree.confederation,
        tree.national,
        tree.city,
        tree.unit_a,
    ]


def test_tree_descendants_cover_every_depth(tree):
    below_city = set(Unit.objects.get_descendants(tree.city))
    assert below_city == {tree.unit_a, tree.group_a1, tree.unit_b}


def test_tree_subtree_q_includes_the_unit_itself(tree):
    assert set(Unit.objects.filter(tree.unit_a.subtree_q())) == {tree.unit_a, tree.group_a1}


def test_tree_move_carries_the_subtree(tree):
    Unit.objects.move(tree.unit_a, tree.other_city, pos="last-child")
    tree.group_a1.refresh_from_db()
    other_city = Unit.objects.get(pk=tree.other_city.pk)
    assert Unit.objects.get_ancestors(tree.group_a1).last().pk == tree.unit_a.pk
    assert tree.group_a1.path.startswith(other_city.path)
    assert tree.group_a1 in Unit.objects.get_descendants(other_city)


def test_tree_depth_is_not_fixed(tree):
    deep = tree.group_a1
    for _ in range(4):
        deep = make_unit(deep, level=UnitLevel.GROUP)
    assert deep.depth == 9
    assert Unit.objects.get_ancestors(deep).first() == tree.confederation


def test_unit_name_is_stored_nfc_and_folded(tree):
    unit = make_unit(tree.city, name="Công đoàn  cơ sở Sở Y te\u0302\u0301")
    assert unit.name == "Công đoàn cơ sở Sở Y tế"
    assert unit.name_folded == "cong doan co so so y te"
