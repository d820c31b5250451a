import pytest
from django.conf import settings

from .factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(client, province):
    html = client.get("/accounts/login/").content.decode()
    assert "Tên đăng nhập" in html and "Mật khẩu" in html


def test_wrong_password_says_so_in_vietnamese(client, province):
    response = client.post("/accounts/login/", {"username": "unit.a.staff", "password": "sai"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_lockout_after_repeated_failures(client, province):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "unit.a.staff", "password": "sai-mat-khau"})
    response = client.post("/accounts/login/", {"username": "unit.a.staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()


def test_session_key_rotates_at_login(client, province):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": "unit.a.staff", "password": PASSWORD})
    assert client.session.session_key != before


def test_csrf_is_enforced_on_login(province):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "unit.a.staff", "password": PASSWORD})
    assert response.status_code == 403


def test_password_change_rejects_weak_password_in_vietnamese(client_for, province):
    client = client_for(province.users["teacher_a"])
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "quá ngắn" in html or "quá phổ biến" in html or "toàn bộ là số" in html


def test_password_reset_sends_a_vietnamese_email(client, province, mailoutbox):
    user = province.users["teacher_a"]
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "mật khẩu" in mailoutbox[0].subject.lower()


def test_home_shows_roles_and_menu(client_for, province):
    html = client_for(province.users["unit_a_staff"]).get("/").content.decode()
    assert "Cán bộ đơn vị quản lý" in html
    assert "/tokens/" in html


def test_teacher_has_no_token_menu(client_for, province):
    html = client_for(province.users["teacher_a"]).get("/").content.decode()
    assert "/tokens/" not in html
