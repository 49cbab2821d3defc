"""One error tree with stable codes, turned into HTTP in one place (api/errors.py) and into a
CLI message with a non-zero exit in cli.py.

    AftersalesError                      400  "error"
    ├── ValidationFailed                 422  "validation.failed"     (fields: {name: [messages]})
    ├── NotFound                         404  "not_found"
    ├── PermissionDenied                 403  "permission.denied"
    ├── NotAllowed                       409  "case.not_allowed"      (illegal transition)
    ├── Conflict                         409  "conflict"              (someone else changed it first)
    └── IdempotencyMismatch              422  "idempotency.mismatch"  (same key, other body)

Every error has `code`, `message` (English; `message_zh` for people reading Chinese) and `fields`.
"""

from __future__ import annotations


class AftersalesError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None,
                 code: str | None = None, message_zh: str = ""):
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message
        self.fields = fields or {}
        if code:
            self.code = code

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message, "message_zh": self.message_zh}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class ValidationFailed(AftersalesError):
    code = "validation.failed"
    status = 422

    @classmethod
    def field(cls, name: str, message: str) -> "ValidationFailed":
        return cls(f"{name}: {message}", fields={name: [message]})


class NotFound(AftersalesError):
    code = "not_found"
    status = 404


class PermissionDenied(AftersalesError):
    code = "permission.denied"
    status = 403


class NotAllowed(AftersalesError):
    code = "case.not_allowed"
    status = 409


class Conflict(AftersalesError):
    code = "conflict"
    status = 409


class IdempotencyMismatch(AftersalesError):
    code = "idempotency.mismatch"
    status = 422
