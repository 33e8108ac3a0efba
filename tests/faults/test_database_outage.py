"""PostgreSQL goes away while the site serves (a TCP proxy in front of it is cut): requests get
the 503 page, not a traceback, and the same gunicorn serves again once it is back."""

import pytest

from tests.faults.conftest import database_url, get


@pytest.mark.django_db(transaction=True)
def test_the_site_says_the_database_is_away_and_recovers_without_a_restart(
    postgresql_proxy, gunicorn
):
    site = gunicorn(database_url(port=postgresql_proxy.port))
    page = f"{site}/bang-vang/"  # the public honour roll: it reads the database
    assert get(page)[0] == 200
    assert get(page)[0] == 200  # on the connection kept from the first request (CONN_MAX_AGE)

    postgresql_proxy.cut()
    for _ in range(2):  # the kept connection is dead, and a new one is refused
        status, body = get(page)
        assert status == 503
        assert "Hệ thống tạm thời không kết nối được cơ sở dữ liệu" in body
        assert "cannot reach its database" in body
        assert "Traceback" not in body and "OperationalError" not in body

    postgresql_proxy.restore()
    assert get(page)[0] == 200  # the next request reconnects: no restart of gunicorn
    assert get(f"{site}/accounts/login/")[0] == 200
