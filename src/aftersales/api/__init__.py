"""The JSON API under /api/v1/ (django-ninja), with its OpenAPI schema at /api/v1/openapi.json.

`aftersales.api.main.api` is the NinjaAPI; urls.py mounts `api.urls`.  Errors take one shape
(api/errors.py); authentication is a bearer token per organisation or the session (api/auth.py).
"""
