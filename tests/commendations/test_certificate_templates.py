"""The permission matrix of the certificate-template pages: a unit's own template, the award
kind's default, the versions, the unit's list.

Templates of the city's Bằng khen (granted at the provincial level): the city of Hanoi's own
("inside"), the other city's own ("outside"), and the kind's default, which belongs to the
Confederation (the root of the tree, whose regulation defines the kind). Besides the named
users: the Confederation's clerk (`root_clerk`) and the other city's clerk (`other_clerk`).

200 (or, for a POST, a redirect that is not to the sign-in page): allowed and done. 403: the user
reads the template and may not edit it. 404: outside the user's scope. 302: anonymous.
"""

import pytest
from django.urls import reverse

from commendations import documents, services
from commendations.models import CertificateTemplateVersion
from tests.factories import UserFactory, grant, template_version
from unions.models import Activity, Role

USERS = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody", "root_clerk", "other_clerk", None]  # fmt: skip
ANONYMOUS = (302, 302)

# user -> (Hanoi's own, the other city's own)
OWN = {
    "officer_a": (404, 404),
    "officer_b": (404, 404),
    "city_officer": (403, 404),
    "city_reviewer": (403, 404),
    "national_reviewer": (403, 403),
    "clerk": (200, 404),
    "outsider": (404, 404),
    "nobody": (404, 404),
    "root_clerk": (403, 403),
    "other_clerk": (404, 200),
    None: ANONYMOUS,
}
# user -> the kind's default: read by the owner's readers and the clerks of the granting level,
# edited by the owner's clerks only.
DEFAULT = {
    "officer_a": 404,
    "officer_b": 404,
    "city_officer": 404,
    "city_reviewer": 404,
    "national_reviewer": 404,
    "clerk": 403,
    "outsider": 404,
    "nobody": 404,
    "root_clerk": 200,
    "other_clerk": 403,
    None: 302,
}
# user -> the unit's list of templates (a reading page): (Hanoi, the other city)
LIST = {
    "officer_a": (404, 404),
    "officer_b": (404, 404),
    "city_officer": (200, 404),
    "city_reviewer": (200, 404),
    "national_reviewer": (200, 200),
    "clerk": (200, 404),
    "outsider": (404, 404),
    "nobody": (404, 404),
    "root_clerk": (200, 200),
    "other_clerk": (404, 200),
    None: ANONYMOUS,
}
GOOD = "<p>MẪU {{ certificate.awardee_name }}</p>"


@pytest.fixture
def world(tree, users, kinds):
    users.root_clerk = UserFactory(username="root_clerk")
    grant(users.root_clerk, tree.confederation, Role.CLERK)
    users.other_clerk = UserFactory(username="other_clerk")
    grant(users.other_clerk, tree.other_city, Role.CLERK)
    kind = kinds.bk_city
    return {
        "kind": kind,
        "units": (tree.city, tree.other_city),
        "versions": (
            template_version(kind, "<p>HN {{ certificate.awardee_name }}</p>", unit=tree.city),
            template_version(
                kind, "<p>DN {{ certificate.awardee_name }}</p>", unit=tree.other_city
            ),
        ),
        "default_version": template_version(kind, "<p>MẶC ĐỊNH</p>"),
    }


def _code(client, method, url, data=None):
    response = getattr(client, method)(url, data or {})
    if response.status_code == 302 and not response.url.startswith(reverse("account_login")):
        return 200
    return response.status_code


def _user(users, name):
    return getattr(users, name) if name else None


@pytest.mark.parametrize("name", USERS)
def test_a_unit_s_own_template_matrix(client_for, users, world, name):
    client = client_for(_user(users, name))
    kind = world["kind"]
    for page, method, data in [
        ("unit_certificate_template", "get", None),
        ("unit_certificate_template_preview", "post", {"source": GOOD}),
        ("unit_certificate_template", "post", {"source": GOOD}),
    ]:
        codes = tuple(
            _code(client, method, reverse(f"commendations:{page}", args=[unit.pk, kind.pk]), data)
            for unit in world["units"]
        )
        assert (page, method, codes) == (page, method, OWN[name])
    for page, method in [
        ("certificate_template_version", "get"),
        ("certificate_template_version_restore", "post"),
    ]:
        codes = tuple(
            _code(client, method, reverse(f"commendations:{page}", args=[version.pk]))
            for version in world["versions"]
        )
        assert (page, codes) == (page, OWN[name])
    codes = tuple(
        _code(client, "get", reverse("commendations:unit_certificate_templates", args=[unit.pk]))
        for unit in world["units"]
    )
    assert codes == LIST[name]


@pytest.mark.parametrize("name", USERS)
def test_the_default_template_matrix(client_for, users, world, name):
    client = client_for(_user(users, name))
    kind = world["kind"]
    codes = [
        _code(client, "get", reverse("commendations:certificate_template", args=[kind.pk])),
        _code(
            client,
            "post",
            reverse("commendations:certificate_template_preview", args=[kind.pk]),
            {"source": GOOD},
        ),
        _code(
            client,
            "post",
            reverse("commendations:certificate_template", args=[kind.pk]),
            {"source": GOOD},
        ),
        _code(
            client,
            "get",
            reverse(
                "commendations:certificate_template_version", args=[world["default_version"].pk]
            ),
        ),
        _code(
            client,
            "post",
            reverse(
                "commendations:certificate_template_version_restore",
                args=[world["default_version"].pk],
            ),
        ),
    ]
    assert codes == [DEFAULT[name]] * 5


def test_a_refused_request_saves_no_version(client_for, users, world):
    before = CertificateTemplateVersion.objects.count()
    kind = world["kind"]
    for name in ("clerk", "city_reviewer", "outsider"):
        client_for(getattr(users, name)).post(
            reverse("commendations:certificate_template", args=[kind.pk]), {"source": GOOD}
        )
        client_for(getattr(users, name)).post(
            reverse(
                "commendations:unit_certificate_template",
                args=[world["units"][1].pk, kind.pk],
            ),
            {"source": GOOD},
        )
    assert CertificateTemplateVersion.objects.count() == before


def test_a_grassroots_clerk_edits_its_own_template_never_the_default(
    client_for, tree, users, kinds
):
    grassroots_clerk = UserFactory()
    grant(grassroots_clerk, tree.unit_a, Role.CLERK)
    services.save_certificate_template(
        kinds.ldtt, actor=grassroots_clerk, unit=tree.unit_a, source=GOOD
    )
    assert documents.certificate_template_source(kinds.ldtt, tree.unit_a) == GOOD
    assert documents.certificate_template_source(kinds.ldtt, tree.unit_b) != GOOD
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_certificate_template(kinds.ldtt, actor=grassroots_clerk, source=GOOD)
    with pytest.raises(PermissionDenied):
        services.save_certificate_template(
            kinds.ldtt, actor=grassroots_clerk, unit=tree.unit_b, source=GOOD
        )
    client = client_for(grassroots_clerk)
    default = reverse("commendations:certificate_template", args=[kinds.ldtt.pk])
    assert client.get(default).status_code == 403
    assert client.post(default, {"source": GOOD}).status_code == 403
    assert documents.own_template_source(kinds.ldtt) == ""


def test_a_movement_s_own_award_kind_belongs_to_its_launching_unit(tree, users, movement):
    from tests.factories import kind as make_kind
    from unions.models import UnitLevel

    honour = make_kind("GUONG", UnitLevel.PROVINCIAL, movement=movement)
    national_clerk = UserFactory()
    grant(national_clerk, tree.national, Role.CLERK)
    root_clerk = UserFactory()
    grant(root_clerk, tree.confederation, Role.CLERK)
    assert national_clerk.has_perm(
        "commendations.edit_certificate_template", services.template_for(honour)
    )
    assert not root_clerk.has_perm(
        "commendations.edit_certificate_template", services.template_for(honour)
    )
    assert not users.clerk.has_perm(
        "commendations.edit_certificate_template", services.template_for(honour)
    )


def test_saving_writes_a_version_and_an_activity_row(tree, users, world):
    kind = world["kind"]
    version = services.save_certificate_template(
        kind, actor=users.clerk, unit=tree.city, source=GOOD
    )
    assert (version.number, version.created_by, version.source) == (2, users.clerk, GOOD)
    activity = Activity.objects.get(action="certificate_template.saved")
    assert activity.unit == tree.city
    assert activity.actor == users.clerk
    # The same text again is no new version.
    assert (
        services.save_certificate_template(kind, actor=users.clerk, unit=tree.city, source=GOOD)
        is None
    )
    restored = services.restore_certificate_template_version(
        world["versions"][0], actor=users.clerk
    )
    assert (restored.number, restored.origin, restored.restored_from) == (3, "restored", 1)
    assert documents.own_template_source(kind, tree.city) == world["versions"][0].source
    # Versions are never rewritten nor deleted.
    with pytest.raises(ValueError):
        version.save()
    with pytest.raises(ValueError):
        version.delete()


def test_the_editor_lists_the_versions(client_for, tree, users, world):
    page = client_for(users.clerk).get(
        reverse("commendations:unit_certificate_template", args=[tree.city.pk, world["kind"].pk])
    )
    html = page.content.decode()
    version = world["versions"][0]
    assert reverse("commendations:certificate_template_version", args=[version.pk]) in html
    assert (
        reverse("commendations:certificate_template_version", args=[world["versions"][1].pk])
        not in html
    )
    shown = client_for(users.clerk).get(
        reverse("commendations:certificate_template_version", args=[version.pk])
    )
    assert "HN {{ certificate.awardee_name }}" in shown.content.decode()


def test_an_empty_save_returns_to_the_fallback(tree, users, world):
    kind = world["kind"]
    version = services.save_certificate_template(kind, actor=users.clerk, unit=tree.city, source="")
    assert version.follows_fallback
    source, effective = documents.effective_template(kind, tree.city)
    assert effective == world["default_version"]
    assert source == "<p>MẶC ĐỊNH</p>"


def test_the_unit_editor_links_to_the_default_only_for_its_editors(client_for, tree, users, world):
    default = 'href="{}"'.format(
        reverse("commendations:certificate_template", args=[world["kind"].pk])
    )
    url = reverse("commendations:unit_certificate_template", args=[tree.city.pk, world["kind"].pk])
    assert default not in client_for(users.clerk).get(url).content.decode()
    grant(users.root_clerk, tree.city, Role.CLERK)
    assert default in client_for(users.root_clerk).get(url).content.decode()
