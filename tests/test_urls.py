"""Every URL of the project is accounted for.

Built from the URLconf itself (every pattern, includes followed), so that a new URL fails here
until someone decides what it is:

- either it is public, and listed in PUBLIC with the reason;
- or it refuses an anonymous visitor: a redirect to the sign-in page, or 403, 404 or 405, to a
  GET and to a POST of the pattern filled with dummy ids.

And every pattern that takes an object id names, in COVERED_BY, the test module whose
permission matrix covers it (the named users of tests/named_world.py and the anonymous
visitor, on objects inside and outside their scope); the module must reverse that URL name.

The Django admin's URLs are out of scope here: tests/*/test_admin.py cover them.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

TESTS = Path(__file__).resolve().parent

# The reviewed public URLs: reachable without signing in, on purpose.
PUBLIC = {
    # allauth: signing in and out, the closed sign-up page, password reset by email, the second
    # factor of a sign-in in progress. Its pages for a signed-in account (email, password change,
    # 2FA settings) send an anonymous visitor to sign in themselves.
    "account_login": "sign-in page",
    "account_logout": "sign-out",
    "account_inactive": "the page an inactive account lands on",
    "account_signup": "closed: says so (accounts come by invitation)",
    "account_reauthenticate": "allauth; redirects anonymous visitors to sign in",
    "account_request_reauthentication_code": "allauth; redirects anonymous visitors to sign in",
    "account_confirm_reauthentication_code": "allauth; redirects anonymous visitors to sign in",
    "account_email": "allauth; redirects anonymous visitors to sign in",
    "account_email_verification_sent": "allauth: 'check your email'",
    "account_confirm_email": "allauth: the link of a verification email (a key, no object id)",
    "account_change_password": "allauth; redirects anonymous visitors to sign in",
    "account_set_password": "allauth; redirects anonymous visitors to sign in",
    "account_reset_password": "forgotten password",
    "account_reset_password_done": "forgotten password: sent",
    "account_reset_password_from_key": "the link of a password-reset email (a key)",
    "account_reset_password_from_key_done": "forgotten password: changed",
    "account_confirm_login_code": "allauth: sign-in by code",
    "mfa_index": "allauth; redirects anonymous visitors to sign in",
    "mfa_authenticate": "the second factor of a sign-in in progress",
    "mfa_reauthenticate": "allauth; redirects anonymous visitors to sign in",
    "mfa_activate_totp": "allauth; redirects anonymous visitors to sign in",
    "mfa_deactivate_totp": "allauth; redirects anonymous visitors to sign in",
    "mfa_view_recovery_codes": "allauth; redirects anonymous visitors to sign in",
    "mfa_generate_recovery_codes": "allauth; redirects anonymous visitors to sign in",
    "mfa_download_recovery_codes": "allauth; redirects anonymous visitors to sign in",
    # The project's public pages.
    "commendations:verify": "the QR code of a certificate: public, rate-limited",
    "reports:honour_roll_index": "the public honour roll (bảng vàng)",
    "reports:honour_roll": "a movement's public honour roll",
    "reports:honour_roll_quick": "the public honour roll of quick commendations",
    "awards:public_notice_list": "công khai: the lists posted publicly before a decision",
    "awards:public_notice": "công khai: one posted list (names, units, award)",
    # The interface.
    "set_language": "the language switcher",
    "javascript-catalog": "the JavaScript translation catalogue",
    "static": "static files (DEBUG only; WhiteNoise serves them in production)",
}

# Patterns with parameters that are not object ids: allauth's emailed keys and static paths.
NOT_OBJECT_IDS = {"account_confirm_email", "account_reset_password_from_key", "static"}

# Each URL that takes an object id -> the module whose permission matrix covers it.
UNIONS_VIEWS = "unions/test_views.py"
IMPORTS = "imports/test_views.py"
MOVEMENTS = "movements/test_views.py"
AWARDS = "awards/test_permissions.py"
QUICK = "awards/test_quick_commendations.py"
DECISIONS = "commendations/test_permissions.py"
TEMPLATES = "commendations/test_certificate_templates.py"
DASHBOARDS = "reports/test_dashboards.py"
NOTICES = "awards/test_public_notice.py"
NOTIFICATIONS = "notifications/test_notifications.py"
COVERED_BY = {
    "unions:unit_detail": UNIONS_VIEWS,
    "unions:unit_children": UNIONS_VIEWS,
    "unions:member_list": UNIONS_VIEWS,
    "unions:member_create": UNIONS_VIEWS,
    "unions:unit_roles": UNIONS_VIEWS,
    "unions:unit_activity": UNIONS_VIEWS,
    "unions:unit_activity_export": UNIONS_VIEWS,
    "unions:role_revoke": UNIONS_VIEWS,
    "unions:member_detail": UNIONS_VIEWS,
    "unions:member_edit": UNIONS_VIEWS,
    "unions:member_move": UNIONS_VIEWS,
    "unions:member_import": IMPORTS,
    "unions:member_export": IMPORTS,
    "unions:member_import_detail": IMPORTS,
    "unions:member_import_confirm": IMPORTS,
    "unions:member_import_cancel": IMPORTS,
    "movements:movement_detail": MOVEMENTS,
    "movements:movement_edit": MOVEMENTS,
    "movements:movement_launch": MOVEMENTS,
    "movements:movement_close": MOVEMENTS,
    "movements:unit_movements": MOVEMENTS,
    "movements:round_unit": MOVEMENTS,
    "movements:round_register_members": MOVEMENTS,
    "movements:round_children": MOVEMENTS,
    "movements:round_annual_registration": "movements/test_annual_registration.py",
    "movements:round_classification": "movements/test_annual_registration.py",
    "movements:registration_detail": MOVEMENTS,
    "movements:registration_approve": MOVEMENTS,
    "movements:registration_return": MOVEMENTS,
    "movements:registration_resubmit": MOVEMENTS,
    "awards:nominate_member": AWARDS,
    "awards:nominate_unit": AWARDS,
    "awards:quick_member": QUICK,
    "awards:quick_unit": QUICK,
    "awards:round_year_end_nominations": "awards/test_year_end.py",
    "awards:nomination_detail": AWARDS,
    "awards:nomination_edit": AWARDS,
    "awards:nomination_submit": AWARDS,
    "awards:nomination_withdraw": AWARDS,
    "awards:nomination_start_review": AWARDS,
    "awards:nomination_scores": AWARDS,
    "awards:nomination_vote": AWARDS,
    "awards:nomination_conflict": AWARDS,
    "awards:nomination_approve": AWARDS,
    "awards:nomination_forward": AWARDS,
    "awards:nomination_return": AWARDS,
    "awards:nomination_reject": AWARDS,
    "awards:evidence_download": AWARDS,
    "awards:evidence_delete": AWARDS,
    "awards:notice_new": NOTICES,
    "awards:notice_detail": NOTICES,
    "awards:objection_new": NOTICES,
    "awards:objection_answer": NOTICES,
    "awards:public_notice": NOTICES,
    "awards:assessment_create": AWARDS,
    "awards:assessment_minutes": "awards/test_dossier.py",
    "awards:submission_letter": "awards/test_dossier.py",
    "awards:prior_award_upload": "awards/test_prior_awards.py",
    "awards:prior_award_import": "awards/test_prior_awards.py",
    "awards:outside_proposal_detail": "awards/test_outside.py",
    "awards:outside_decision_file": "awards/test_outside.py",
    "awards:outside_proposal_letter": "awards/test_outside.py",
    "commendations:decision_detail": DECISIONS,
    "commendations:decision_edit": DECISIONS,
    "commendations:decision_awardees": DECISIONS,
    "commendations:decision_issue": DECISIONS,
    "commendations:decision_delete": DECISIONS,
    "commendations:decision_progress": DECISIONS,
    "commendations:decision_render": DECISIONS,
    "commendations:decision_pdf": DECISIONS,
    "commendations:decision_annex_xlsx": DECISIONS,
    "commendations:decision_prizes_xlsx": DECISIONS,
    "commendations:unit_emblem": "commendations/decisions/test_emblems.py",
    "commendations:unit_emblem_image": "commendations/decisions/test_emblems.py",
    "commendations:decision_print_file": DECISIONS,
    "commendations:decision_zip": DECISIONS,
    "commendations:certificate_download": DECISIONS,
    "commendations:commendation_revoke": DECISIONS,
    "commendations:register": DECISIONS,
    "commendations:register_xlsx": DECISIONS,
    "commendations:certificate_template": TEMPLATES,
    "commendations:certificate_template_preview": TEMPLATES,
    "commendations:unit_certificate_templates": TEMPLATES,
    "commendations:unit_certificate_template": TEMPLATES,
    "commendations:unit_certificate_template_preview": TEMPLATES,
    "commendations:certificate_template_version": TEMPLATES,
    "commendations:certificate_template_version_restore": TEMPLATES,
    "notifications:notification_open": NOTIFICATIONS,
    "reports:movement_dashboard": DASHBOARDS,
    "reports:unit_dashboard": DASHBOARDS,
    # Public, so every visitor gets the same answers: the tests of the page itself.
    "commendations:verify": "commendations/decisions/test_views.py",
    "reports:honour_roll": "reports/test_honour_roll.py",
}


def _walk(patterns, prefix="", namespace=None):
    """(route, name or None, converters) of every pattern, includes followed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def _key(route, name):
    if name:
        return name
    if "static" in route or route.lstrip("^").startswith(settings.STATIC_URL.strip("/")):
        return "static"
    return route


def project_patterns():
    """{key: (route, pattern)} of every pattern but the admin's; the key is the URL's name."""
    found = {}
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or (name or "").startswith("admin:"):
            continue
        key = _key(route, name)
        assert key not in found, f"two patterns are named {key}"
        found[key] = (route, pattern)
    return found


def _parameters(pattern):
    """The names of the pattern's parameters and their converters (None: a regex group)."""
    converters = getattr(pattern.pattern, "converters", {})
    groups = pattern.pattern.regex.groupindex
    return {name: converters.get(name) for name in groups}


def takes_object_id(key, pattern):
    return key not in NOT_OBJECT_IDS and bool(_parameters(pattern))


def dummy_url(key, pattern):
    """The pattern filled with ids that exist in no test database."""
    if not _parameters(pattern):
        return reverse(key)
    kwargs = {}
    for name, converter in _parameters(pattern).items():
        kind = type(converter).__name__ if converter else ""
        kwargs[name] = 987654 if kind == "IntConverter" else "khong-co"
    return reverse(key, kwargs=kwargs)


def test_the_urlconf_is_walked_with_its_includes():
    keys = set(project_patterns())
    assert {"home", "unions:unit_detail", "awards:nomination_vote", "account_login"} <= keys
    assert "reports:honour_roll" in keys


def test_every_url_is_public_by_the_list_or_refuses_anonymous_visitors(client, db):
    login = reverse("account_login")
    unaccounted = {}
    for key, (_route, pattern) in sorted(project_patterns().items()):
        if key in PUBLIC:
            continue
        url = dummy_url(key, pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            refused = response.status_code in (403, 404, 405) or (
                response.status_code == 302 and response.url.startswith(login)
            )
            if not refused:
                unaccounted[f"{method.upper()} {url} ({key})"] = response.status_code
    assert not unaccounted, (
        "answered an anonymous visitor; add @login_required, or list the URL in PUBLIC after "
        f"review: {unaccounted}"
    )


def test_the_public_list_names_only_existing_urls():
    keys = set(project_patterns())
    # Static files are served through the URLconf only with DEBUG on.
    assert set(PUBLIC) - keys <= {"static"}
    assert set(COVERED_BY) <= keys


def test_every_url_with_an_object_id_has_a_permission_matrix():
    missing = sorted(
        key
        for key, (_route, pattern) in project_patterns().items()
        if takes_object_id(key, pattern) and key not in COVERED_BY
    )
    assert not missing, (
        "URLs with an object id and no permission-matrix test: add one (the named users and "
        f"the anonymous visitor, inside and outside their scope) and name it in COVERED_BY: "
        f"{missing}"
    )


def _reversed_names(path):
    """The URL names a test module reverses: "ns:name" literals, and the names it passes to
    a helper that reverses f"ns:{name}"."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    literals, prefixes = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            literals.add(node.value)
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and str(first.value).endswith(":"):
                prefixes.add(first.value)
    calls_reverse = any(
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "reverse"
        for node in ast.walk(tree)
    )
    if not calls_reverse:
        return set()
    return literals | {prefix + literal for prefix in prefixes for literal in literals}


@pytest.mark.parametrize("key", sorted(COVERED_BY))
def test_the_covering_module_reverses_the_url(key):
    module = TESTS / COVERED_BY[key]
    assert module.exists(), f"{COVERED_BY[key]} does not exist"
    assert key in _reversed_names(module), f"{COVERED_BY[key]} never reverses {key}"


def test_the_check_fails_for_a_module_that_does_not_reverse_the_url(tmp_path):
    module = tmp_path / "test_x.py"
    module.write_text(
        "from django.urls import reverse\n"
        "def url(name, *args):\n"
        "    return reverse(f'movements:{name}', args=args)\n"
        "URLS = [url('movement_detail', 1), reverse('unions:unit_detail', args=[1])]\n"
    )
    names = _reversed_names(module)
    assert {"movements:movement_detail", "unions:unit_detail"} <= names
    assert "unions:member_detail" not in names


# --- The guidance line ----------------------------------------------------------------------
# The guiding union's staff read what was sent up to them along the guidance line and nothing
# else of the units they guide (tests/test_guidance_line.py has the pages they do read). Every
# page of a guided unit, of its subtree's units and of their members, in the URLconf as it is
# (a new unit or member page joins this test by its route), is "not found" for the guiding
# union's reviewer, while the administrative line above (the federation) reads it.


def _guided_branch_urls(tree, member, round_):
    urls = {}
    for key, (route, pattern) in sorted(project_patterns().items()):
        params = set(_parameters(pattern))
        for unit_name, unit in (("guided", tree.guided), ("grassroots", tree.unit_g)):
            if params == {"pk"} and "units/<int:pk>/" in route:
                urls[f"{key} ({unit_name})"] = reverse(key, kwargs={"pk": unit.pk})
            elif params == {"round_pk", "unit_pk"}:
                urls[f"{key} ({unit_name})"] = reverse(
                    key, kwargs={"round_pk": round_.pk, "unit_pk": unit.pk}
                )
        if params == {"pk"} and "members/<int:pk>/" in route:
            urls[key] = reverse(key, kwargs={"pk": member.pk})
    return urls


def test_the_guiding_union_finds_no_page_of_the_guided_units_or_their_members(
    tree, users, movement, client_for
):
    from tests.factories import MemberFactory

    member = MemberFactory(unit=tree.unit_g)
    urls = _guided_branch_urls(tree, member, movement.rounds.get())
    assert {"unions:unit_detail (guided)", "unions:member_detail",
            "movements:round_unit (grassroots)"} <= set(urls)  # fmt: skip
    guide = client_for(users.national_reviewer)
    found = {key: code for key, url in urls.items() if (code := guide.get(url).status_code) != 404}
    assert not found, f"the guiding union's reviewer reads the guided branch: {found}"
    # (The guiding union's movement does not reach the federation itself: its round pages are
    # not the federation's to read. These units have uploaded no emblem: its image is "not
    # found" for everyone.)
    federation = client_for(users.federation_reviewer)
    hidden = {
        key
        for key, url in urls.items()
        if "round" not in key
        and "emblem_image" not in key
        and federation.get(url).status_code == 404
    }
    assert not hidden, f"the federation above no longer reads its own subtree: {hidden}"
