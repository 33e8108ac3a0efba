"""Each issuing unit's emblem on its certificates: uploaded by its clerks, checked by content,
kept privately, embedded (never linked) in the certificate, escaped."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commendations import documents, services
from commendations.certificates import sample_certificate
from commendations.models import UnitEmblem
from tests.factories import make_pdf, make_png
from unions.models import Activity


def _png(name="logo.png", size=(8, 8)):
    return SimpleUploadedFile(name, make_png(size), "image/png")


def test_the_clerk_sets_the_emblem_and_the_certificate_embeds_it(users, tree, private_storage):
    emblem = services.set_emblem(tree.city, actor=users.clerk, upload=_png())
    assert emblem.image.name.startswith("emblems/") and emblem.content_type == "image/png"
    assert not (private_storage / "emblems" / "logo.png").exists()  # a random stored name
    uri = documents.emblem_uri(tree.city)
    assert uri.startswith("data:image/png;base64,")
    assert Activity.objects.filter(unit=tree.city, action="unit.emblem_changed").exists()
    old = emblem.image.name
    services.set_emblem(tree.city, actor=users.clerk, upload=_png("new.png"))
    assert UnitEmblem.objects.filter(unit=tree.city).count() == 1
    assert UnitEmblem.objects.get(unit=tree.city).image.name != old


def test_an_emblem_is_a_real_small_image(users, tree):
    for upload, code in [
        (SimpleUploadedFile("logo.png", make_pdf(), "image/png"), "emblem_type"),
        (SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", "image/png"), "bad_evidence"),
        (_png(size=(2400, 10)), "emblem_too_large"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.set_emblem(tree.city, actor=users.clerk, upload=upload)
        assert error.value.code == code
    assert not UnitEmblem.objects.exists()


def test_only_the_units_clerks_set_its_emblem(users, tree):
    for actor in (users.city_officer, users.city_reviewer, users.officer_a, users.outsider):
        with pytest.raises(PermissionDenied):
            services.set_emblem(tree.city, actor=actor, upload=_png())


def test_a_certificate_refuses_an_emblem_that_is_not_an_embedded_image():
    with pytest.raises(ValidationError):
        sample_certificate(emblem='javascript:alert(1)" onerror="x')


def test_the_emblem_pages(users, tree, client_for):
    page = reverse("commendations:unit_emblem", args=[tree.city.pk])
    image = reverse("commendations:unit_emblem_image", args=[tree.city.pk])
    assert client_for(users.clerk).get(page).status_code == 200
    response = client_for(users.clerk).post(page, {"image": _png()})
    assert response.status_code == 302
    for user, page_status, image_status in [
        (users.clerk, 200, 200),
        (users.city_officer, 403, 200),
        (users.national_reviewer, 403, 200),
        (users.officer_a, 404, 404),
        (users.outsider, 404, 404),
        (None, 302, 302),
    ]:
        client = client_for(user)
        assert client.get(page).status_code == page_status, user
        assert client.get(image).status_code == image_status, user
    bad = client_for(users.clerk).post(page, {"image": SimpleUploadedFile("x.png", b"nope")})
    assert bad.status_code == 200 and "x.png" in bad.content.decode()
    client_for(users.clerk).post(page, {"remove": "1"})
    assert not UnitEmblem.objects.exists()
