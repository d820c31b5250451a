import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/schools/TH-TAVAN/", "/units/TH-TAVAN/", "/units/PGD-SP/", "/units/SGD/"])
def test_school_admin_gets_404_for_pages_of_other_units(client_for, province, path):
    client = client_for(province.users["school_a_admin"])
    response = client.get(path)
    assert response.status_code == 404
    assert "Tả Van" not in response.content.decode()


def test_school_list_shows_only_schools_in_scope(client_for, province):
    html = client_for(province.users["unit_a_staff"]).get("/schools/").content.decode()
    assert "Phong Hải" in html and "Xuân Quang" in html
    assert "Tả Van" not in html and "THPT số 1" not in html


def test_school_list_filters(client_for, province):
    client = client_for(province.users["department_staff"])
    html = client.get("/schools/", {"level": "THPT"}).content.decode()
    assert "THPT số 1" in html and "Phong Hải" not in html
    html = client.get("/schools/", {"q": "tả van"}).content.decode()
    assert "Tả Van" in html


def test_unit_page_lists_children(client_for, province):
    html = client_for(province.users["department_staff"]).get("/units/PGD-BT/").content.decode()
    assert "Phong Hải" in html and "Xuân Quang" in html


def test_pages_need_login(client, province):
    response = client.get("/schools/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_admin_is_for_department_admins_only(client_for, client, province):
    assert client_for(province.users["school_a_admin"]).get("/admin/").status_code in (403, 404)
    client.logout()
    assert client_for(province.users["department_admin"]).get("/admin/").status_code == 200
