"""The reference for the webhook benchmark: a bare Flask app answering a constant TwiML string."""

from __future__ import annotations

from flask import Flask, Response

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/twilio/ivr/1/main/input'
    '?lang=zh-CN&amp;attempt=1" actionOnEmptyResult="true" method="POST" numDigits="1" '
    'timeout="6"><Say language="cmn-CN">投诉请按1，举报请按2。</Say></Gather></Response>'
)


def create_app() -> Flask:
    app = Flask("bare")

    @app.post("/", defaults={"path": ""})
    @app.post("/<path:path>")
    def constant(path: str) -> Response:
        """Every POST gets the same TwiML."""
        return Response(TWIML, mimetype="text/xml")

    return app
