"""Alert mail: through a real SMTP server when configured, logged otherwise."""

from __future__ import annotations

import logging
import socket

from aiosmtpd.controller import Controller

from missionmonitor.portal.notify import alert_digest, send
from missionmonitor.settings import Settings

ALERTS = [
    {
        "period": "2024-03-04",
        "area_code": "S08000031",
        "method": "EARS C1",
        "observed": 30.0,
        "threshold": 20.0,
    }
]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


def test_alerts_are_mailed_through_smtp():
    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = Settings(
            smtp_host="127.0.0.1", smtp_port=port, alert_recipients=["team@example.org"]
        )
        subject, body = alert_digest("Non-fatal overdoses attended", 3, ALERTS, synthetic=True)
        assert send(settings, settings.alert_recipients, subject, body) is True
    finally:
        controller.stop()
    ((to, content),) = inbox.messages
    assert to == ["team@example.org"]
    assert "1 early-warning alert(s): Non-fatal overdoses attended (SYNTHETIC)" in content
    assert "S08000031 EARS C1: observed 30, threshold 20.0" in content


def test_without_a_host_the_message_is_logged(caplog):
    with caplog.at_level(logging.INFO, logger="missionmonitor.mail"):
        assert send(Settings(smtp_host=None), ["team@example.org"], "Subject", "Body") is False
    assert "no SMTP host configured" in caplog.text and "Subject" in caplog.text
    assert send(Settings(), [], "Subject", "Body") is False  # nobody to tell
