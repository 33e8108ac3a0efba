"""The dashboards' cache (reports.dashboard_cache): after every kind of write to what a dashboard
counts, the numbers read through the cache are those of a recount.

Each case reads the dashboards of the national union, the city and grassroots A through the cache
(so that they are cached), writes, then compares what the cache answers with a recount of the
same scopes, and checks that the write changed the numbers (else the case would prove nothing).
The dataset is tests/reports/conftest.py's.
"""

from datetime import UTC, date, datetime

import pytest
from django.core.cache import cache
from django.db import connection

from awards import services
from awards.models import Nomination, NominationState, NominationTransition
from commendations import services as commendation_services
from commendations.models import Commendation
from movements.models import AwardKind, Registration, RegistrationState
from reports import dashboard_cache, dashboards, scale_data
from reports.models import DashboardChange
from tests.conftest import need_postgresql
from tests.factories import (
    AwardKindFactory,
    MemberFactory,
    RoundFactory,
    UnitFactory,
    backdate_approvals,
    nominate,
    register,
)
from unions import services as unions_services
from unions.models import Gender, Member, MemberStatus, Unit

S = NominationState


def _scopes(tree, movement):
    # The whole tree (by province, from their branches), a national union (by branch), a city
    # and a grassroots union (within one branch), and a city elsewhere.
    units = (tree.confederation, tree.national, tree.city, tree.unit_a, tree.other_city)
    return [dashboards.Scope(movement=movement, unit=unit) for unit in units]


def _through_cache(scope):
    return dashboards.counts(scope)


@pytest.fixture
def check(tree, movement, dataset):
    def check(write):
        scopes = _scopes(tree, movement)
        before = [_through_cache(scope) for scope in scopes]
        assert before == [dashboards.aggregates(scope) for scope in scopes]
        write()
        for scope in scopes:
            scope.unit.refresh_from_db()
        recount = [dashboards.aggregates(scope) for scope in scopes]
        assert [_through_cache(scope) for scope in scopes] == recount
        assert recount != before, "the write changed nothing the dashboards count"

    return check


def test_a_cached_dashboard_is_read_without_counting_again(
    tree, movement, dataset, django_assert_num_queries
):
    scope = dashboards.Scope(movement=movement, unit=tree.city)
    with django_assert_num_queries(6):  # the version, then the five counts
        first = _through_cache(scope)
    with django_assert_num_queries(1):  # the version only
        assert _through_cache(scope) == first


# --- Through the services ---------------------------------------------------------------------


def test_a_nomination_created_submitted_and_approved(check, users, kinds, round_, dataset):
    member = dataset.members["a3"]

    def write():
        register(round_, member)
        nomination = nominate(
            round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True
        )
        services.approve_nomination(nomination, actor=users.city_reviewer)

    check(write)


def test_a_nomination_forwarded_then_sent_back(check, users, kinds, round_, dataset):
    member = dataset.members["a3"]
    register(round_, member)
    nomination = nominate(
        round_, kinds.bk_national, actor=users.officer_a, member=member, submit=True
    )
    check(lambda: services.forward_nomination(nomination, actor=users.city_reviewer))
    check(
        lambda: services.return_nomination(
            Nomination.objects.get(pk=nomination.pk),
            actor=users.national_reviewer,
            reason="Thiếu biên bản họp.",
        )
    )
    assert Nomination.objects.get(pk=nomination.pk).state == S.SENT_BACK


def test_a_decision_issued_then_a_commendation_revoked(check, users, tree, kinds, dataset):
    n1 = backdate_approvals([dataset.nominations["n1"]], datetime(2024, 5, 2, tzinfo=UTC))[0]

    def issue():
        decision = commendation_services.create_decision(
            actor=users.clerk,
            issuing_unit=tree.city,
            award_kind=kinds.bk_city,
            nominations=[n1],
            number="45/QĐ-CĐVCHN",
            date=date(2024, 5, 19),
            place="Hà Nội",
            signer_name="Phan Văn Anh",
        )
        commendation_services.issue_decision(decision, actor=users.clerk)

    check(issue)

    def revoke():
        commendation_services.revoke_commendation(
            Commendation.objects.get(nomination=n1),
            actor=users.clerk,
            number="60/QĐ-CĐVCHN",
            date=date(2024, 7, 1),
            reason="Thành tích không đúng sự thật",
        )

    check(revoke)


def test_a_member_moved_to_another_unit(check, users, tree, dataset):
    check(
        lambda: unions_services.move_member(
            dataset.members["a1"], to_unit=tree.unit_b, actor=users.city_officer
        )
    )


def test_a_unit_moved_with_its_subtree(check, tree):
    # What the services' move_unit does (its permissions are tested in the unions app).
    check(lambda: Unit.objects.move(Unit.objects.get(pk=tree.unit_b.pk), tree.other_city))


# --- Around the services: bulk writes, queryset updates, raw SQL, deletes ---------------------


def test_nominations_written_in_bulk(check, dataset):
    nomination = Nomination.objects.get(pk=dataset.nominations["n6"].pk)
    nomination.pk = None
    nomination.nominee_member = dataset.members["a3"]
    nomination.state = S.APPROVED
    check(lambda: Nomination.objects.bulk_create([nomination]))


def test_nomination_states_changed_by_a_queryset_update(check, dataset):
    pks = [dataset.nominations[name].pk for name in ("n2", "n5")]
    check(lambda: Nomination.objects.filter(pk__in=pks).update(state=S.WITHDRAWN))


def test_a_nomination_changed_by_raw_sql(check, dataset):
    def write():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE awards_nomination SET state = %s WHERE id = %s",
                [S.REJECTED, dataset.nominations["n1"].pk],
            )

    check(write)


def test_a_nomination_deleted_with_its_history(check, dataset):
    check(lambda: Nomination.objects.filter(pk=dataset.nominations["n6"].pk).delete())


def test_history_rows_changed_in_bulk(check, tree, dataset):
    history = NominationTransition.objects.filter(nomination=dataset.nominations["n1"])
    check(lambda: history.filter(to_state=S.APPROVED).update(at_unit=tree.national))


def test_registrations_written_and_changed_in_bulk(check, round_, kinds, dataset):
    def write():
        Registration.objects.bulk_create(
            [
                Registration(
                    round=round_,
                    unit=dataset.members["a3"].unit,
                    member=dataset.members["a3"],
                    target_award=kinds.ldtt,
                    state=RegistrationState.APPROVED,
                )
            ]
        )
        Registration.objects.filter(member=dataset.members["b2"]).update(
            state=RegistrationState.APPROVED
        )

    check(write)


def test_a_commendation_revoked_by_a_queryset_update(check, users, tree, kinds, dataset):
    n1 = backdate_approvals([dataset.nominations["n1"]], datetime(2024, 5, 2, tzinfo=UTC))[0]
    decision = commendation_services.create_decision(
        actor=users.clerk,
        issuing_unit=tree.city,
        award_kind=kinds.bk_city,
        nominations=[n1],
        number="46/QĐ-CĐVCHN",
        date=date(2024, 5, 19),
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )
    commendation_services.issue_decision(decision, actor=users.clerk)
    check(
        lambda: Commendation.objects.filter(nomination=n1).update(
            revoked_at=datetime(2024, 7, 1, tzinfo=UTC)
        )
    )


def test_an_award_kind_renamed(check, kinds):
    check(lambda: AwardKind.objects.filter(pk=kinds.bk_city.pk).update(name_vi="Bằng khen mới"))


# --- Members: the counters, and a nominee's gender --------------------------------------------


def test_members_imported_in_bulk(check, tree):
    # The member import writes rows as bulk inserts and executemany updates (unions.imports).
    def write():
        Member.objects.bulk_create(
            [MemberFactory.build(unit=tree.unit_a, gender=Gender.MALE) for _ in range(3)]
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE unions_member SET status = %s WHERE id = %s",
                [(MemberStatus.LEFT, pk) for pk in Member.objects.filter(unit=tree.unit_b)
                 .values_list("pk", flat=True)],
            )  # fmt: skip

    check(write)


def test_the_gender_of_a_nominee_who_left_the_union(check, dataset):
    # A member who left counts in no member counter, but their nomination counts by gender.
    nominee = dataset.members["a2"]
    Member.objects.filter(pk=nominee.pk).update(status=MemberStatus.LEFT)
    check(lambda: Member.objects.filter(pk=nominee.pk).update(gender=Gender.FEMALE))


def _changes():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT branch, weight, id FROM {dashboard_cache.TABLE} ORDER BY id")
        return cursor.fetchall()


def test_writes_that_change_no_count_keep_the_cache(tree, movement, dataset):
    scope = dashboards.Scope(movement=movement, unit=tree.city)
    changes = _changes()
    Member.objects.filter(pk=dataset.members["a1"].pk).update(full_name="Nguyễn Thị Hằng Nga")
    Unit.objects.filter(pk=tree.unit_a.pk).update(name="Công đoàn cơ sở A mới")
    # A nomination saved whole, as every step of a review does, with nothing counted changed.
    Nomination.objects.get(pk=dataset.nominations["n1"].pk).save()
    # A grassroots union founded, a new award kind, a new round: nothing of them is counted yet.
    UnitFactory(parent=tree.city, name="Công đoàn cơ sở mới thành lập")
    AwardKindFactory(code="BK-MOI")
    RoundFactory(movement=movement, name="Đợt bổ sung")
    assert _changes() == changes
    assert _through_cache(scope) == dashboards.aggregates(scope)


def test_a_change_names_the_branch_it_falls_in(tree, dataset):
    changes = _changes()
    Nomination.objects.filter(pk=dataset.nominations["n1"].pk).update(state=S.WITHDRAWN)
    new = _changes()[len(changes) :]
    # (SQLite writes one row for the row before the change and one for after it.)
    assert {branch for branch, _weight, _id in new} == {dashboard_cache.branch_of(tree.unit_a.path)}


def test_a_gender_corrected_names_the_branches_it_falls_in(dataset):
    # The member counters and the nominations' copy of the gender say where; nothing else.
    nominee = dataset.members["a2"]
    branches = {dashboard_cache.branch_of(nominee.unit.path)} | {
        dashboard_cache.branch_of(path)
        for path in Nomination.objects.filter(nominee_member=nominee).values_list(
            "proposing_unit__path", flat=True
        )
    }
    changes = _changes()
    gender = Gender.FEMALE if nominee.gender == Gender.MALE else Gender.MALE
    Member.objects.filter(pk=nominee.pk).update(gender=gender)
    new = _changes()[len(changes) :]
    assert {branch for branch, _weight, _id in new} == branches
    assert dashboard_cache.EVERYTHING not in branches


def test_a_change_elsewhere_keeps_what_was_counted(tree, movement, dataset):
    """A change in grassroots A counts A's branch again, and only it: the other branches of the
    national union, and the other provinces of the whole tree, are read as they were kept."""
    scopes = {
        unit: dashboards.Scope(movement=movement, unit=unit)
        for unit in (tree.national, tree.confederation)
    }
    a = dashboard_cache.branch_of(tree.unit_a.path)
    marked = []
    for unit, scope in scopes.items():
        dashboards.counts(scope)
        # Mark the rows of the branches and provinces A is not in, as they are kept.
        key = f"dashboard:{movement.pk}::{unit.path}:{unit.child_path_length}"
        kept = cache.get(key)
        for bucket, row in kept["rows"].items():
            if not a.startswith(bucket):
                kept["rows"][bucket] = (*row[:4], 10**6)
                marked.append((unit, bucket))
        cache.set(key, kept)
    assert marked
    Nomination.objects.filter(pk=dataset.nominations["n1"].pk).update(state=S.WITHDRAWN)
    rows = {unit: dashboards.counts(scope)["rows"] for unit, scope in scopes.items()}
    for unit, bucket in marked:
        assert rows[unit][bucket][4] == 10**6
    assert rows[tree.national][a] == dashboards.aggregates(scopes[tree.national])["rows"][a]


def test_after_a_change_in_one_branch_the_whole_tree_counts_in_a_few_queries(
    tree, movement, dataset, django_assert_max_num_queries
):
    scope = dashboards.Scope(movement=movement, unit=tree.confederation)
    dashboards.counts(dashboards.Scope(movement=movement, unit=tree.national))
    dashboards.counts(scope)
    Nomination.objects.filter(pk=dataset.nominations["n1"].pk).update(state=S.WITHDRAWN)
    # The versions by province, the national union's by branch, five counts, and on
    # PostgreSQL the cost setting for reading a few branches, set and reset.
    with django_assert_max_num_queries(9):
        counted = dashboards.counts(scope)
    assert counted == dashboards.aggregates(scope)


def test_compacting_the_changes_keeps_every_version(
    tree, movement, dataset, monkeypatch, django_assert_num_queries
):
    for _number in range(dashboard_cache.COMPACT_AFTER + 1):
        Unit.objects.filter(pk=tree.unit_a.pk).update(level=tree.unit_a.level)
    # Nominations in two branches of the national union (Hanoi's and Da Nang's).
    pks = [dataset.nominations[name].pk for name in ("n1", "n5")]
    Nomination.objects.filter(pk__in=pks).update(state=S.WITHDRAWN)
    changes = _changes()
    branches = {branch for branch, _weight, _id in changes}
    assert len(changes) > dashboard_cache.COMPACT_AFTER + len(branches)
    by_branch = dashboard_cache.versions(tree.confederation.path, dashboard_cache.BRANCH_LENGTH)
    dashboard_cache.versions(tree.confederation.path)  # compacts
    compacted = _changes()
    assert len(compacted) == len(branches)
    # One row per branch is compacted: reading the versions, by province or by branch, leaves
    # them alone, however low the threshold.
    monkeypatch.setattr(dashboard_cache, "COMPACT_AFTER", 0)
    with django_assert_num_queries(2):
        dashboard_cache.versions(tree.confederation.path, tree.confederation.child_path_length)
        dashboard_cache.versions(tree.national.path)
    assert _changes() == compacted
    assert (
        dashboard_cache.versions(tree.confederation.path, dashboard_cache.BRANCH_LENGTH)
        == by_branch
    )
    # The readers count what the triggers wrote since: the compacted rows say they are.
    assert set(DashboardChange.objects.values_list("compacted", flat=True)) == {True}
    nomination = Nomination.objects.select_related("proposing_unit").get(pk=pks[0])
    Nomination.objects.filter(pk=nomination.pk).update(state=S.DRAFT)
    written = DashboardChange.objects.filter(compacted=False).values_list("branch", flat=True)
    assert set(written) == {dashboard_cache.branch_of(nomination.proposing_unit.path)}


def test_the_reader_that_compacts_gets_the_version_the_next_reader_finds(tree):
    """What it caches under that version is found again (the home page's member totals)."""
    for _number in range(dashboard_cache.COMPACT_AFTER + 1):
        Unit.objects.filter(pk=tree.unit_a.pk).update(level=tree.unit_a.level)
    compacted = dashboard_cache.version()
    assert len(_changes()) < dashboard_cache.COMPACT_AFTER
    assert dashboard_cache.version() == compacted
    Unit.objects.filter(pk=tree.unit_a.pk).update(level=tree.unit_a.level)
    assert dashboard_cache.version() != compacted


# --- PostgreSQL: one change row per statement, COPY as seed_scale writes ----------------------


def test_a_copy_into_the_registrations(postgresql, check, round_, kinds, dataset):
    need_postgresql()
    member = dataset.members["a3"]
    check(
        lambda: scale_data.copy_rows(
            Registration,
            ["round", "unit", "member", "target_award", "state", "note", "return_reason",
             "created_at", "updated_at"],
            [(round_.pk, member.unit_id, member.pk, kinds.ldtt.pk, RegistrationState.APPROVED,
              "", "", datetime.now(UTC), datetime.now(UTC))],
        )
    )  # fmt: skip


def test_one_change_row_per_branch_and_statement_on_postgresql(postgresql, dataset):
    need_postgresql()
    changes = _changes()
    Nomination.objects.update(state=S.WITHDRAWN)  # six rows, one statement
    units = Nomination.objects.values_list("proposing_unit__path", flat=True)
    new = _changes()[len(changes) :]
    assert sorted(branch for branch, _weight, _id in new) == sorted(
        {dashboard_cache.branch_of(path) for path in units}
    )
