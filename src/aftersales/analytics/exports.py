"""CSV and Excel files of the queue and the reports.

CSV streams (StreamingHttpResponse over a generator: a queue of a million rows never sits in
memory); Excel is written by openpyxl in write-only mode, row by row, into a temporary file that
is then streamed out.  Tables are (title, header, rows) so one writer serves every report.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from aftersales.cases import queries

Table = tuple[str, list[str], Iterable[list]]
QUEUE_HEADER = ["case", "shop", "platform", "type", "state", "reason", "problem", "requested_amount", "currency",
                "priority", "next_due_at", "created_at", "order", "buyer"]
BATCH = 2000


def queue_rows(organisation, query: queries.QueueQuery) -> Iterator[list]:
    """Every case the queue's filters select, oldest first, in keyset batches (no OFFSET)."""
    qs = (queries.filtered(organisation, query).select_related("shop", "order", "buyer")
          .only("id", "shop__name", "platform", "case_type", "state", "reason_code", "problem_type",
                "requested_amount", "currency", "priority", "next_due_at", "created_at", "order__external_id",
                "buyer__external_id"))
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("id")[:BATCH])
        for c in batch:
            yield [c.number, c.shop.name, c.platform, c.case_type, c.state, c.reason_code, c.problem_type,
                   str(c.requested_amount), c.currency, c.priority,
                   c.next_due_at.isoformat() if c.next_due_at else "", c.created_at.isoformat(),
                   c.order.external_id if c.order_id else "", c.buyer.external_id]
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, tables: list[Table]) -> StreamingHttpResponse:
    """One CSV: the tables one after another, each with its title line when there are several."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"   # a BOM, so that Excel opens the Chinese text as UTF-8
        for i, (title, header, rows) in enumerate(tables):
            if len(tables) > 1:
                if i:
                    yield writer.writerow([])
                yield writer.writerow([f"# {title}"])
            yield writer.writerow(header)
            for row in rows:
                yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_file(tables: list[Table]):
    """A temporary file holding the workbook: one sheet a table."""
    book = Workbook(write_only=True)
    for title, header, rows in tables:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    out = tempfile.TemporaryFile(suffix=".xlsx")
    book.save(out)
    out.seek(0)
    return out


def xlsx_response(filename: str, tables: list[Table]) -> FileResponse:
    return FileResponse(xlsx_file(tables), as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def review_tables(review: dict) -> list[Table]:
    return [
        ("alerts", ["kind", "subject", "problem", "zh", "en"],
         [[a["kind"], a["subject"], a["problem"], a["zh"], a["en"]] for a in review["alerts"]]),
        ("skus", ["sku", "problem", "problem_zh", "problem_en", *review["weeks"], "change"],
         [[r["sku"], r["problem"], r["problem_zh"], r["problem_en"], *r["weeks"], r["change"]]
          for r in review["skus"]]),
        ("carriers", ["carrier", "name", "parcels", "delayed", "lost", "damaged", "delay_rate", "loss_rate",
                      "damage_rate", "delivery_hours"],
         [[c["carrier"], c["name_en"], c["parcels"], c["delayed"], c["lost"], c["damaged"], c["delay_rate"],
           c["loss_rate"], c["damage_rate"], c["delivery_hours"]] for c in review["carriers"]]),
        ("shops", ["shop", "orders", "cases", "refunds", "refund_amount", "refund_rate", "first_response_hours",
                   "resolution_hours", "satisfaction", "rating"],
         [[s["shop"], s["orders"], s["cases"], s["refunds"], s["refund_amount"], s["refund_rate"],
           s["first_response_hours"], s["resolution_hours"], s["satisfaction"], s["rating"]] for s in review["shops"]]),
    ]


def dashboard_tables(data: dict) -> list[Table]:
    return [
        ("refund_rate", ["week", "refund_rate_pct", "sla_met", "sla_missed"],
         [[w, r, m, x] for w, r, m, x in zip(data["weeks"], data["refund_trend"], data["sla"]["met"],
                                               data["sla"]["missed"])]),
        ("reasons", ["reason", "label", "cases", "refunds"],
         [[r["reason"], r["label"], r["cases"], r["refunds"]] for r in data["reasons"]]),
        ("top_skus", ["sku", "problem", "cases"], [[r["sku"], r["problem"], r["cases"]] for r in data["top_skus"]]),
        ("carriers", ["carrier", "parcels", "delayed", "lost", "damaged"],
         [[c["carrier"], c["parcels"], c["delayed"], c["lost"], c["damaged"]] for c in data["carriers"]]),
        ("messages_by_hour", ["weekday", *[str(h) for h in range(24)]],
         [[d + 1, *row] for d, row in enumerate(data["heatmap"])]),
        ("agents", ["agent", "answered", "closed", "breaches", "first_response_minutes"],
         [[a["name"], a["answered"], a["closed"], a["breaches"], a["first_response_minutes"]] for a in data["agents"]]),
    ]


def queue_table(organisation, query) -> list[Table]:
    return [("queue", QUEUE_HEADER, queue_rows(organisation, query))]

