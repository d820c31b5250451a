import pytest

from people import services
from people.models import ApiToken

pytestmark = pytest.mark.django_db


def test_token_key_is_shown_once_and_stored_hashed(province):
    token, key = services.create_api_token(org_unit=province.unit_a, name="Phần mềm thống kê")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == ApiToken.hash_key(key)
    assert not stored.can_write


def test_unit_staff_creates_a_token_for_own_unit_over_the_api(api_client, province):
    api_client.force_login(province.users["unit_a_staff"])
    response = api_client.post("/api/v1/tokens/", {"name": "Báo cáo Phòng", "org_unit": "PGD-BT"}, format="json")
    assert response.status_code == 201
    assert response.json()["key"]
    listed = api_client.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["Báo cáo Phòng"]
    assert "key" not in listed[0]


def test_unit_staff_cannot_create_a_token_for_another_unit(api_client, province):
    api_client.force_login(province.users["unit_a_staff"])
    response = api_client.post("/api/v1/tokens/", {"name": "Mượn", "org_unit": "PGD-SP"}, format="json")
    assert response.status_code == 400
    assert "ngoài phạm vi" in str(response.json()["errors"]["org_unit"])
    assert not ApiToken.objects.exists()


def test_school_admin_cannot_create_tokens(api_client, province):
    api_client.force_login(province.users["school_a_admin"])
    response = api_client.post("/api/v1/tokens/", {"name": "Trường", "org_unit": "TH-PHONGHAI"}, format="json")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_token_cannot_manage_tokens(token_client, province):
    client = token_client(province.department, can_write=True)
    assert client.get("/api/v1/tokens/").status_code == 403


def test_revoke_over_the_web_page(client_for, province):
    token, _key = services.create_api_token(org_unit=province.unit_a, name="Hết hạn")
    client = client_for(province.users["unit_a_staff"])
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_of_a_token_outside_scope_is_404(client_for, province):
    token, _key = services.create_api_token(org_unit=province.unit_b, name="Của Sa Pa")
    client = client_for(province.users["unit_a_staff"])
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_create_api_token_command_prints_a_working_key(api_client, province, capsys):
    from django.core.management import call_command

    call_command("create_api_token", "--org-unit", "PGD-BT", "--name", "Dòng lệnh")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/schools/").json()["count"] == 2
    assert not ApiToken.objects.get(name="Dòng lệnh").can_write


def test_create_api_token_command_rejects_unknown_unit(province):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="KHONG-CO"):
        call_command("create_api_token", "--org-unit", "KHONG-CO", "--name", "X")


def test_a_token_used_a_moment_ago_answers_401_as_soon_as_it_is_revoked(api_client, province):
    token, key = services.create_api_token(org_unit=province.unit_a, name="Phần mềm thống kê Bảo Thắng")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/schools/").status_code == 200  # now in the authentication cache
    services.revoke_api_token(token=token)
    assert api_client.get("/api/v1/schools/").status_code == 401


def test_a_cached_token_costs_no_query(api_client, province, django_assert_num_queries):
    _token, key = services.create_api_token(org_unit=province.unit_a, name="Phần mềm thống kê Bảo Thắng")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api_client.get("/api/v1/org-units/PGD-BT/")
    with django_assert_num_queries(1):  # the org unit itself
        assert api_client.get("/api/v1/org-units/PGD-BT/").status_code == 200
