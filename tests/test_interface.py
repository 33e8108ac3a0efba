import re

from django.urls import reverse

from tests.factories import MemberFactory


def test_interface_defaults_to_vietnamese(client, db):
    content = client.get(reverse("account_login")).content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content


def test_language_switch_turns_the_interface_to_english_and_back(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en">' in content
    assert "Sign in" in content
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get(reverse("account_login")).content.decode()


def test_dates_read_day_first_in_vietnamese(client_for, users, tree):
    member = MemberFactory(unit=tree.unit_a)
    content = client_for(users.officer_a).get(member.get_absolute_url()).content.decode()
    assert "17/05/1985" in content


def test_navigation_shows_the_user_roles(client_for, users, tree):
    content = client_for(users.officer_a).get(reverse("home")).content.decode()
    assert "Công đoàn cơ sở A" in content


def test_two_factor_setup_is_offered(client_for, users):
    response = client_for(users.officer_a).get(reverse("mfa_index"))
    assert response.status_code == 200
    assert reverse("mfa_activate_totp") in response.content.decode()


def test_static_files_are_local(client, db):
    content = client.get(reverse("account_login")).content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', content)
    assert any(asset.startswith("/static/vendor/bootstrap") for asset in assets)
    assert [asset for asset in assets if not asset.startswith("/static/")] == []


def test_password_reset_sends_an_email(client, users, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "officer_a@example.vn"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["officer_a@example.vn"]


def test_browser_language_does_not_override_vietnamese(client, db):
    content = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in content.content.decode()


def test_breadcrumbs_do_not_link_above_the_user_scope(client_for, users, tree):
    content = client_for(users.officer_a).get(tree.unit_a.get_absolute_url()).content.decode()
    assert "Công đoàn Viên chức Hà Nội" in content
    assert tree.city.get_absolute_url() not in content


# --- A NUL character anywhere in a query string or a form ------------------------------------


def test_a_null_character_in_a_query_string_is_refused_with_the_reason(client_for, users, tree):
    response = client_for(users.officer_a).get(
        reverse("unions:member_list", args=[tree.unit_a.pk]), {"q": "\x00x"}
    )
    assert response.status_code == 400
    assert "ký tự rỗng" in response.content.decode()


def test_a_null_character_in_the_register_members_search_is_refused(
    client_for, users, tree, round_, member_a
):
    """It answered a server error on PostgreSQL (NUL in a text comparison)."""
    url = reverse("movements:round_register_members", args=[round_.pk, tree.unit_a.pk])
    assert client_for(users.officer_a).get(url, {"q": "\x00x"}).status_code == 400


def test_a_null_character_in_a_form_is_refused_and_changes_nothing(client_for, users, tree):
    response = client_for(users.officer_a).post(
        reverse("unions:member_create", args=[tree.unit_a.pk]),
        {"full_name": "Nguyễn\x00 Văn A", "gender": "male", "status": "active"},
    )
    assert response.status_code == 400
    assert not tree.unit_a.members.exists()


def test_sign_in_page_has_the_site_form_styling_and_no_sign_up_link(client, db):
    content = client.get(reverse("account_login")).content.decode()
    assert 'class="form-control"' in content
    assert reverse("account_signup") not in content
    assert "/static/favicon.svg" in content
