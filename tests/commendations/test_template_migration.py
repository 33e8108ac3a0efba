"""The data migration of certificate templates: the award kind's one template of before becomes
version 1 of the kind's default, and the decisions issued on the kind are fixed to it."""

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("commendations", "0001_initial")]
AFTER = [("commendations", "0002_certificate_templates_per_unit_versioned")]


@pytest.mark.django_db(transaction=True)
def test_existing_templates_become_the_default_version_of_their_kind():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        _check_the_migration(executor)
    finally:  # the later migrations of every app again, for the tests that follow
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_the_migration(executor):
    old = executor.loader.project_state(BEFORE).apps
    # Only the commendations app is taken back: the units and award kinds are written as they
    # are now (their later fields have no database default).
    Unit = current_apps.get_model("unions", "Unit")
    AwardKind = current_apps.get_model("movements", "AwardKind")
    unit = Unit.objects.create(path="0001", depth=1, name="Tổng Liên đoàn", level="provincial")
    kind = AwardKind.objects.create(
        code="BK", name_vi="Bằng khen", category="form", beneficiary="individual",
        granting_level="provincial",
    )  # fmt: skip
    plain = AwardKind.objects.create(
        code="GK", name_vi="Giấy khen", category="form", beneficiary="individual",
        granting_level="provincial",
    )  # fmt: skip
    old.get_model("commendations", "CertificateTemplate").objects.create(
        award_kind_id=kind.pk, source="<p>CŨ</p>"
    )
    Decision = old.get_model("commendations", "Decision")
    common = {"issuing_unit_id": unit.pk, "date": "2025-05-19", "year": 2025, "place": "Hà Nội",
              "issuing_body": "x", "authority": "x", "signer_title": "x", "signer_name": "x",
              "legal_bases": "x", "achievement": "x"}  # fmt: skip
    issued = Decision.objects.create(award_kind_id=kind.pk, number="1", state="issued", **common)
    draft = Decision.objects.create(award_kind_id=kind.pk, number="2", state="draft", **common)
    other = Decision.objects.create(award_kind_id=plain.pk, number="3", state="issued", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Version = new.get_model("commendations", "CertificateTemplateVersion")
    version = Version.objects.get()
    assert (version.number, version.source, version.origin) == (1, "<p>CŨ</p>", "migrated")
    assert version.template.unit_id is None
    assert version.template.award_kind_id == kind.pk
    Decision = new.get_model("commendations", "Decision")
    assert Decision.objects.get(pk=issued.pk).certificate_template_id == version.pk
    assert Decision.objects.get(pk=draft.pk).certificate_template_id is None
    assert Decision.objects.get(pk=other.pk).certificate_template_id is None
