"""Factories and the named tree that every permission test uses."""

import itertools
from datetime import date

import factory
from django.contrib.auth import get_user_model

from unions.models import Gender, Member, RoleAssignment, Unit, UnitLevel

_codes = itertools.count(1)


def make_unit(parent=None, *, name=None, level=None, code=None):
    number = next(_codes)
    fields = {
        "code": code or f"U{number:05d}",
        "name": name or f"Unit {number}",
        "level": level or (UnitLevel.GRASSROOTS if parent else UnitLevel.CONFEDERATION),
    }
    if parent is None:
        return Unit.objects.add_root(fields)
    unit = Unit.objects.add_child(parent, fields)
    parent.refresh_from_db()
    return unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.django.Password("secret-pass-123")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    full_name = factory.Iterator(["Nguyễn Thị Hằng", "Trần Văn Hùng", "Lê Minh Anh", "Phạm Thu Hà"])
    gender = factory.Iterator([Gender.FEMALE, Gender.MALE])
    date_of_birth = date(1985, 5, 17)
    position = "Chuyên viên"
    card_number = factory.Sequence(lambda n: f"CARD{n:06d}")


def grant(user, unit, role):
    return RoleAssignment.objects.create(user=user, unit=unit, role=role)
