"""The schema a client generates from."""

from __future__ import annotations

from django.test import Client


def test_openapi_lists_every_endpoint_without_authentication(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/shops": {"get"}, "/api/v1/shops/{shop_id}": {"get"},
        "/api/v1/orders": {"post"}, "/api/v1/orders/{order_id}": {"get"},
        "/api/v1/cases": {"get", "post"}, "/api/v1/cases/{case_id}": {"get"},
        "/api/v1/cases/{case_id}/timeline": {"get"}, "/api/v1/cases/{case_id}/actions": {"post"},
        "/api/v1/cases/{case_id}/messages": {"post"}, "/api/v1/cases/{case_id}/evidence": {"post"},
        "/api/v1/cases/{case_id}/rating": {"post"}, "/api/v1/cases/{case_id}/follow-up": {"post"},
    }.items():
        assert methods <= set(paths[path]), path
    assert schema["components"]["securitySchemes"]["OrganisationAuth"] == {"type": "http", "scheme": "bearer"}


def test_unknown_paths_and_methods_answer_in_the_error_shape(a):
    from tests.api.conftest import error

    response = a.api.get("/no-such-thing")
    assert response.status_code == 404 and error(response)["code"] == "not_found"
    response = a.api.client.delete("/api/v1/cases", headers=a.api.headers)
    assert response.status_code == 405 and error(response)["code"] == "method_not_allowed"
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    for path in ("/cases/abc", "/cases/0", f"/cases/{10**25}"):
        response = a.api.get(path)
        assert response.status_code == 422 and "case_id" in error(response)["fields"], path


def test_docs_page_is_served(db):
    assert Client().get("/api/v1/docs").status_code == 200
