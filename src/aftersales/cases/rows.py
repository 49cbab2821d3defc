"""Reading import files and turning their rows into the intake dataclasses.

A file is CSV (a header row, one row per case or per order line) or JSON Lines (one object a
line; a `.json` file may also hold one array of objects).  Values arrive as text from CSV and as
JSON values from JSON Lines; both go through the same converters, so a row means the same in
either format.  docs/IMPORT.md lists the columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from aftersales.cases.intake import CaseIn, CaseLineIn
from aftersales.cases.models import Channel
from aftersales.errors import ValidationFailed
from aftersales.orders.services import BuyerIn, LineIn, OrderIn


class UnusableFile(Exception):
    """The file cannot be read as CSV or JSON Lines at all (not one bad row: the whole file)."""


def detect_format(path: Path) -> str:
    """"csv" or "jsonl", by extension, else by the first character that is not blank."""
    ext = path.suffix.lower()
    if ext == ".csv":
        return "csv"
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8-sig", errors="replace").lstrip()
    except OSError as exc:
        raise UnusableFile(f"cannot read {path}: {exc.strerror or exc}") from None
    return "jsonl" if head[:1] in ("{", "[") else "csv"


def read_rows(path: Path, fmt: str | None = None) -> Iterator[tuple[int, dict | str]]:
    """(row number, row) for each data row.  A row that is not an object comes back as the text
    of its error, so that it is rejected with its number while the rest goes on."""
    fmt = fmt or detect_format(path)
    try:
        fh = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise UnusableFile(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        try:
            if fmt == "csv":
                yield from _csv_rows(fh)
            else:
                yield from _json_rows(fh)
        except UnicodeDecodeError:
            raise UnusableFile(f"{path} is not UTF-8 text") from None
        except csv.Error as exc:
            raise UnusableFile(f"{path}: not readable as CSV ({exc})") from None


def _csv_rows(fh) -> Iterator[tuple[int, dict | str]]:
    reader = csv.DictReader(fh)
    if not reader.fieldnames or not any(f and f.strip() for f in reader.fieldnames):
        raise UnusableFile("the CSV file has no header row")
    names = [(f or "").strip().lower() for f in reader.fieldnames]
    if len(names) < 2:
        raise UnusableFile("the CSV file has one column only: is it really CSV (comma separated)?")
    for raw in reader:
        number = reader.line_num   # physical line of the row's end: what a spreadsheet shows
        if None in raw:
            yield number, f"more values than the {len(names)} columns of the header"
            continue
        yield number, {name: value for name, value in zip(names, raw.values()) if name and value not in (None, "")}


def _json_rows(fh) -> Iterator[tuple[int, dict | str]]:
    first = fh.read(1)
    while first and first.isspace():
        first = fh.read(1)
    if first == "[":   # one JSON array of objects
        try:
            data = json.loads("[" + fh.read())
        except json.JSONDecodeError as exc:
            raise UnusableFile(f"not valid JSON: {exc}") from None
        for i, obj in enumerate(data, start=1):
            yield i, obj if isinstance(obj, dict) else "each element must be a JSON object"
        return
    good = 0
    bad = 0
    for number, line in enumerate(_prepend(first, fh), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            bad += 1
            if not good and bad >= 3:
                raise UnusableFile(f"not JSON Lines: line {number}: {exc.msg}") from None
            yield number, f"not valid JSON: {exc.msg} (column {exc.colno})"
            continue
        good += 1
        yield number, obj if isinstance(obj, dict) else "each line must be a JSON object"


def _prepend(first: str, fh) -> Iterator[str]:
    rest = fh.readline()
    yield first + rest
    yield from fh


# ---------------------------------------------------------------------------------------------
# Converters: one per kind of value, each raising a field message

class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def _text(row: dict, *names: str) -> str:
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _int(value, name: str, errors: _Errors, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        errors.add(name, "a whole number")
        return default
    try:
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError
            return int(value)
        return int(str(value).strip())
    except ValueError:
        errors.add(name, f"a whole number, not {value!r}")
        return default


def _money(value, name: str, errors: _Errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add(name, f"an amount such as 59.90, not {value!r}")
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        errors.add(name, f"an amount with at most two decimals, not {value!r}")
        return None
    return amount


def _bool(value, name: str, errors: _Errors) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "on", "是"):
        return True
    if text in ("0", "false", "no", "n", "off", "否"):
        return False
    errors.add(name, f"true or false, not {value!r}")
    return False


def _time(value, name: str, errors: _Errors) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        at = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        errors.add(name, f"an ISO 8601 time such as 2026-11-25T10:00:00+08:00, not {value!r}")
        return None
    if at.tzinfo is None:
        errors.add(name, "give a time zone (e.g. 2026-11-25T10:00:00+08:00)")
        return None
    return at


def _split(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in str(value).replace(",", "|").replace(";", "|").split("|") if p.strip()]


# ---------------------------------------------------------------------------------------------
# Rows to dataclasses

ORDER_HINTS = ("placed_at", "buyer_external_id", "buyer", "unit_price")
CASE_HINTS = ("case_type", "platform_type", "platform_case_id", "order_external_id", "reason_code")


def row_kind(row: dict, default: str = "auto") -> str:
    """"order" or "case" (or "" when nothing says which)."""
    kind = _text(row, "kind").lower()
    if kind in ("order", "orders"):
        return "order"
    if kind in ("case", "cases", "aftersale", "after_sale"):
        return "case"
    if kind:
        return f"?{kind}"
    if default in ("order", "case"):
        return default
    if any(row.get(k) not in (None, "") for k in ORDER_HINTS):
        return "order"
    if any(row.get(k) not in (None, "") for k in CASE_HINTS):
        return "case"
    return ""


def shop_of(row: dict, default_shop: int | None, errors: _Errors) -> int | None:
    value = row.get("shop_id", row.get("shop"))
    if value in (None, ""):
        if default_shop is None:
            errors.add("shop_id", "say which shop (a shop_id column, or --shop)")
        return default_shop
    return _int(value, "shop_id", errors)


def case_in(row: dict, default_shop: int | None = None) -> tuple[CaseIn, str]:
    """The CaseIn a row describes, and its idempotency key.  Raises ValidationFailed."""
    errors = _Errors()
    shop_id = shop_of(row, default_shop, errors)
    lines: list[CaseLineIn] = []
    raw_lines = row.get("lines")
    if isinstance(raw_lines, list):
        for i, item in enumerate(raw_lines):
            if not isinstance(item, dict):
                errors.add(f"lines[{i}]", "each line is an object with sku_code or line_external_id, and quantity")
                continue
            qty = _int(item.get("quantity"), f"lines[{i}].quantity", errors, default=1)
            lines.append(CaseLineIn(sku_code=_text(item, "sku_code", "sku"),
                                    line_external_id=_text(item, "line_external_id", "external_id"),
                                    quantity=qty if qty is not None else 1))
    elif raw_lines not in (None, ""):
        # CSV: "SKU-1:2;SKU-2" (quantity 1 when not given)
        for i, part in enumerate(_split(raw_lines)):
            code, _, qty_text = part.partition(":")
            qty = _int(qty_text or 1, f"lines[{i}].quantity", errors, default=1)
            lines.append(CaseLineIn(sku_code=code.strip(), quantity=qty if qty is not None else 1))
    elif _text(row, "sku_code", "sku", "line_external_id"):
        qty = _int(row.get("quantity"), "quantity", errors, default=1)
        lines.append(CaseLineIn(sku_code=_text(row, "sku_code", "sku"),
                                line_external_id=_text(row, "line_external_id"),
                                quantity=qty if qty is not None else 1))
    payload = row.get("payload") or {}
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError:
            errors.add("payload", "a JSON object")
            payload = {}
    if not isinstance(payload, dict):
        errors.add("payload", "a JSON object")
        payload = {}
    data = CaseIn(
        shop_id=shop_id or 0,
        order_external_id=_text(row, "order_external_id", "order", "order_id"),
        case_type=_text(row, "case_type").lower(),
        lines=lines,
        reason_code=_text(row, "reason_code"),
        platform_reason=_text(row, "platform_reason"),
        reason_text=_text(row, "reason_text", "reason"),
        channel=_text(row, "channel").lower() or Channel.IMPORT,
        requested_amount=_money(row.get("requested_amount", row.get("amount")), "requested_amount", errors),
        urgent=_bool(row.get("urgent"), "urgent", errors),
        platform_case_id=_text(row, "platform_case_id"),
        platform_status=_text(row, "platform_status"),
        platform_status_qualifier=_text(row, "platform_status_qualifier"),
        platform_type=_text(row, "platform_type"),
        platform_deadline=_time(row.get("platform_deadline"), "platform_deadline", errors),
        payload=payload,
        created_at=_time(row.get("created_at"), "created_at", errors),
    )
    if errors:
        raise ValidationFailed("the row is not valid", fields=dict(errors))
    return data, _text(row, "idempotency_key")


def order_in(row: dict, default_shop: int | None = None) -> tuple[int, OrderIn]:
    """(shop id, OrderIn) for a row (its `lines`, or the flat line columns).  Raises ValidationFailed."""
    errors = _Errors()
    shop_id = shop_of(row, default_shop, errors)
    buyer = row.get("buyer") if isinstance(row.get("buyer"), dict) else {}
    lines: list[LineIn] = []
    raw_lines = row.get("lines")
    items = raw_lines if isinstance(raw_lines, list) else [row]
    prefix = isinstance(raw_lines, list)
    for i, item in enumerate(items):
        name = (lambda f: f"lines[{i}].{f}") if prefix else (lambda f: f)
        if not isinstance(item, dict):
            errors.add(f"lines[{i}]", "each line is an object")
            continue
        qty = _int(item.get("quantity"), name("quantity"), errors, default=1)
        price = _money(item.get("unit_price"), name("unit_price"), errors)
        if price is None and name("unit_price") not in errors:
            errors.add(name("unit_price"), "required")
        lines.append(LineIn(
            sku_code=_text(item, "sku_code", "sku"), quantity=qty if qty is not None else 1,
            unit_price=price if price is not None else Decimal("0"), title=_text(item, "title"),
            category=_text(item, "category"),
            external_id=(_text(item, "external_id", "line_external_id") if prefix
                         else _text(item, "line_external_id")),
            paid_amount=_money(item.get("line_paid_amount") if not prefix else item.get("paid_amount"),
                               name("line_paid_amount" if not prefix else "paid_amount"), errors),
            protections=_split(item.get("protections"))))
    placed = _time(row.get("placed_at"), "placed_at", errors)
    if placed is None and "placed_at" not in errors:
        errors.add("placed_at", "required")
    data = OrderIn(
        external_id=_text(row, "external_id", "order_external_id", "order"),
        buyer=BuyerIn(external_id=_text(buyer, "external_id") or _text(row, "buyer_external_id", "buyer_id"),
                      name=_text(buyer, "name") or _text(row, "buyer_name"),
                      phone=_text(buyer, "phone") or _text(row, "buyer_phone"),
                      email=_text(buyer, "email") or _text(row, "buyer_email")),
        lines=lines, placed_at=placed,
        paid_amount=_money(row.get("paid_amount") if prefix else row.get("order_paid_amount"),
                           "paid_amount" if prefix else "order_paid_amount", errors),
        shipped_at=_time(row.get("shipped_at"), "shipped_at", errors),
        delivered_at=_time(row.get("delivered_at"), "delivered_at", errors),
        carrier=_text(row, "carrier"), tracking_number=_text(row, "tracking_number"),
    )
    if errors:
        raise ValidationFailed("the row is not valid", fields=dict(errors))
    return shop_id or 0, data


def merge_order_lines(rows: Iterator[tuple[int, dict | str]], kind: str = "auto") -> Iterator[tuple[int, dict | str]]:
    """CSV has one row per order line: consecutive order rows with the same shop and order number
    become one row with a `lines` list (numbered by its first row)."""
    held: tuple[int, dict] | None = None
    for number, row in rows:
        flat_order = isinstance(row, dict) and row_kind(row, kind) == "order" and not isinstance(row.get("lines"), list)
        if flat_order:
            key = (row.get("shop_id", row.get("shop")), _text(row, "external_id", "order_external_id", "order"))
            if held is not None and held[1]["_key"] == key:
                held[1]["_lines"].append(row)
                continue
            if held is not None:
                yield _flatten(held)
            held = (number, {"_key": key, "_lines": [row]})
            continue
        if held is not None:
            yield _flatten(held)
            held = None
        yield number, row
    if held is not None:
        yield _flatten(held)


_LINE_COLUMNS = ("sku_code", "sku", "quantity", "unit_price", "title", "category", "line_external_id",
                 "line_paid_amount", "protections")


def _flatten(held: tuple[int, dict]) -> tuple[int, dict]:
    number, data = held
    rows = data["_lines"]
    if len(rows) == 1:
        return number, rows[0]
    merged = {k: v for k, v in rows[0].items() if k not in _LINE_COLUMNS}
    renamed = {"line_external_id": "external_id", "line_paid_amount": "paid_amount"}
    merged["lines"] = [{renamed.get(k, k): v for k, v in r.items() if k in _LINE_COLUMNS} for r in rows]
    if "order_paid_amount" in rows[0]:
        merged["paid_amount"] = rows[0]["order_paid_amount"]
    return number, merged


def text_rows(text: str, fmt: str) -> Iterator[tuple[int, dict | str]]:
    """Rows from a string (tests, the API's import endpoint)."""
    fh = io.StringIO(text)
    return _csv_rows(fh) if fmt == "csv" else _json_rows(fh)
