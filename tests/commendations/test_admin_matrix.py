"""The commendations admin is a view like any other: decisions and commendations are read there
within the user's scope and never added, changed or deleted; certificate templates are saved only
through commendations.services, by those commendations.rules lets edit them, and never deleted.

As the named users (all made staff), the Confederation's clerk and the other city's clerk, on
objects of the city of Hanoi ("inside"), of the other city ("outside") and, for templates, the
award kind's default. Codes: 200 shown, 302 saved (back to the list) or, for an object outside
the user's scope, the admin's "does not exist" redirect to its index; 403 refused outright
(a POST the user may not make at all is refused before the object is looked up, so the answer
is the same inside and outside).
"""

import pytest
from django.urls import reverse

from commendations.models import (
    CertificateTemplate,
    CertificateTemplateVersion,
    Commendation,
    Decision,
    DecisionState,
)
from tests.factories import (
    CommendationFactory,
    DecisionFactory,
    UserFactory,
    grant,
    template_version,
)
from unions.models import Activity, Role

STAFF = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody", "root_clerk", "other_clerk"]  # fmt: skip


@pytest.fixture
def world(tree, users, kinds):
    users.root_clerk = UserFactory(username="root_clerk")
    grant(users.root_clerk, tree.confederation, Role.CLERK)
    users.other_clerk = UserFactory(username="other_clerk")
    grant(users.other_clerk, tree.other_city, Role.CLERK)
    for name in STAFF:
        user = getattr(users, name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    decisions = []
    for unit in (tree.city, tree.other_city):
        decision = DecisionFactory(
            issuing_unit=unit, award_kind=kinds.bk_city, state=DecisionState.ISSUED
        )
        CommendationFactory(decision=decision)
        decisions.append(decision)
    versions = [
        template_version(kinds.bk_city, "<p>HN</p>", unit=tree.city),
        template_version(kinds.bk_city, "<p>DN</p>", unit=tree.other_city),
        template_version(kinds.bk_city, "<p>MẶC ĐỊNH</p>"),
    ]
    return {
        "decisions": decisions,
        "commendations": [d.commendations.get() for d in decisions],
        "templates": [v.template for v in versions],
    }


def _code(response):
    if response.status_code == 302:
        return "index" if response.url == reverse("admin:index") else 302
    return response.status_code


# --- Decisions and commendations: read in scope, nothing else --------------------------------

# user -> may read (Hanoi's, the other city's)
READS = {
    "officer_a": (False, False),
    "officer_b": (False, False),
    "city_officer": (True, False),
    "city_reviewer": (True, False),
    "national_reviewer": (True, True),
    "clerk": (True, False),
    "outsider": (False, False),
    "nobody": (False, False),
    "root_clerk": (True, True),
    "other_clerk": (False, True),
}


@pytest.mark.parametrize("model", ["decision", "commendation"])
@pytest.mark.parametrize("name", STAFF)
def test_decisions_and_commendations_are_read_only_in_scope(client, users, world, name, model):
    client.force_login(getattr(users, name))
    objects = world["decisions"] if model == "decision" else world["commendations"]
    counts = (Decision.objects.count(), Commendation.objects.count())
    listing = client.get(reverse(f"admin:commendations_{model}_changelist"))
    assert listing.status_code == 200
    for obj, reads in zip(objects, READS[name], strict=True):
        change = reverse(f"admin:commendations_{model}_change", args=[obj.pk])
        delete = reverse(f"admin:commendations_{model}_delete", args=[obj.pk])
        assert _code(client.get(change)) == (200 if reads else "index")
        # Refused before the object is looked up: the same answer inside and outside.
        assert _code(client.post(change, {"number": "X"})) == 403
        assert _code(client.get(delete)) == 403
        assert _code(client.post(delete, {"post": "yes"})) == 403
        # The list shows what the user reads, and only that.
        assert (change in listing.content.decode()) is reads
        # No action deletes or changes anything.
        client.post(
            reverse(f"admin:commendations_{model}_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
    add = reverse(f"admin:commendations_{model}_add")
    assert client.get(add).status_code == 403
    assert client.post(add, {"number": "X"}).status_code == 403
    assert (Decision.objects.count(), Commendation.objects.count()) == counts
    assert not Activity.objects.exists()


# --- Certificate templates ---------------------------------------------------------------------

# user -> (Hanoi's own, the other city's own, the kind's default): "edit", "read" or None
TEMPLATES = {
    "officer_a": (None, None, None),
    "officer_b": (None, None, None),
    "city_officer": ("read", None, None),
    "city_reviewer": ("read", None, None),
    "national_reviewer": ("read", "read", None),
    "clerk": ("edit", None, "read"),
    "outsider": (None, None, None),
    "nobody": (None, None, None),
    "root_clerk": ("read", "read", "edit"),
    "other_clerk": (None, "edit", "read"),
}
EXPECTED_CHANGE = {"edit": 302, "read": 403}
CLERKS = {"clerk", "root_clerk", "other_clerk"}


@pytest.mark.parametrize("name", STAFF)
def test_certificate_templates_change_through_the_services_in_scope(client, users, world, name):
    client.force_login(getattr(users, name))
    listing = client.get(reverse("admin:commendations_certificatetemplate_changelist"))
    assert listing.status_code == 200
    for template, access in zip(world["templates"], TEMPLATES[name], strict=True):
        change = reverse("admin:commendations_certificatetemplate_change", args=[template.pk])
        versions = template.versions.count()
        assert _code(client.get(change)) == (200 if access else "index")
        assert (change in listing.content.decode()) is bool(access)
        response = client.post(change, {"source": f"<p>MỚI {name}</p>"})
        if access is None:  # not found for a clerk; refused before the lookup for the others
            assert _code(response) == ("index" if name in CLERKS else 403)
        else:
            assert _code(response) == EXPECTED_CHANGE[access]
        assert template.versions.count() == versions + (1 if access == "edit" else 0)
        delete = reverse("admin:commendations_certificatetemplate_delete", args=[template.pk])
        assert _code(client.post(delete, {"post": "yes"})) == 403
    saved = CertificateTemplateVersion.objects.filter(created_by=getattr(users, name))
    assert Activity.objects.filter(action="certificate_template.saved").count() == saved.count()
    assert CertificateTemplate.objects.count() == 3


# user -> adding (Hanoi's own template of the collective title, the title's default)
ADD = {
    "officer_a": (403, 403),
    "officer_b": (403, 403),
    "city_officer": (403, 403),
    "city_reviewer": (403, 403),
    "national_reviewer": (403, 403),
    "clerk": (302, 200),
    "outsider": (403, 403),
    "nobody": (403, 403),
    "root_clerk": (200, 302),
    "other_clerk": (200, 200),
}


@pytest.mark.parametrize("name", STAFF)
def test_adding_a_template_is_for_its_editors_only(client, users, tree, kinds, world, name):
    """(the city's own template of the collective title, the collective title's default)"""
    client.force_login(getattr(users, name))
    url = reverse("admin:commendations_certificatetemplate_add")
    codes = []
    for unit in (tree.city, None):
        before = CertificateTemplateVersion.objects.count()
        response = client.post(
            url,
            {
                "award_kind": kinds.collective.pk,
                "unit": unit.pk if unit else "",
                "source": "<p>{{ certificate.awardee_name }}</p>",
            },
        )
        codes.append(_code(response))
        saved = CertificateTemplateVersion.objects.count() == before + 1
        assert saved is (codes[-1] == 302)
    assert tuple(codes) == ADD[name]


def test_a_template_that_cannot_print_is_refused_in_the_admin_too(client, users, world):
    client.force_login(users.clerk)
    template = world["templates"][0]
    response = client.post(
        reverse("admin:commendations_certificatetemplate_change", args=[template.pk]),
        {"source": "{% url 'x' %}"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert template.versions.count() == 1


def test_the_unit_choices_are_the_user_s_clerk_units(client, users, world):
    client.force_login(users.clerk)
    page = client.get(reverse("admin:commendations_certificatetemplate_add")).content.decode()
    assert "Công đoàn Viên chức Hà Nội" in page
    assert "Công đoàn Viên chức Đà Nẵng" not in page
