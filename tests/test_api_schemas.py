"""The API's response rows are the domain's dataclasses: the OpenAPI document lists exactly
their fields, so a field added to a dataclass reaches the API description without a copy."""

from __future__ import annotations

import dataclasses

import pytest

from desk.board import QueueFigures
from ivr.menu import Problem
from ivr.metrics import OperatorStats, QueueMetrics
from reports.growth import HeadlineRow, Ranked
from reports.warning import EarlyWarning

#: (path, the response's field holding the rows, the dataclass of a row)
ROWS = [
    ("/api/v1/reports/summary", "headline", HeadlineRow),
    ("/api/v1/reports/summary", "top_categories", Ranked),
    ("/api/v1/reports/warnings", "items", EarlyWarning),
    ("/api/v1/queues/metrics", "metrics", QueueMetrics),
    ("/api/v1/queues/metrics", "operators", OperatorStats),
    ("/api/v1/menu/versions/{number}", "problems", Problem),
    ("/api/v1/queues/live", "summary", QueueFigures),
    ("/api/v1/queues/live", "queues", QueueFigures),
]


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize(("path", "field", "row"), ROWS)
def test_response_rows_have_the_dataclass_fields(client, path, field, row) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    ok = document["paths"][path]["get"]["responses"]["200"]
    body = _resolve(document, ok["content"]["application/json"]["schema"])
    rows = body["properties"][field]
    schema = _resolve(document, rows.get("items", rows))
    names = {f.name for f in dataclasses.fields(row)}
    assert set(schema["properties"]) == names
    assert set(schema["required"]) == names
