"""Mail: sent through SMTP when a host is configured, otherwise written to the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from missionmonitor.settings import Settings

log = logging.getLogger("missionmonitor.mail")


def send(settings: Settings, to: list[str], subject: str, body: str) -> bool:
    """Send (True) or log (False) one message to ``to``."""
    if not to:
        return False
    if not settings.smtp_host:
        log.info(
            "mail not sent (no SMTP host configured) to %s: %s\n%s", ", ".join(to), subject, body
        )
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, ", ".join(to), subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    return True


def alert_digest(
    series_title: str, scan_id: int, alerts: list[dict[str, object]], synthetic: bool
) -> tuple[str, str]:
    """Subject and body telling people a scan raised alerts."""
    label = " (SYNTHETIC)" if synthetic else ""
    subject = f"{len(alerts)} early-warning alert(s): {series_title}{label}"
    lines = [f"Scan {scan_id} of {series_title}{label} raised {len(alerts)} alert(s):", ""]
    lines += [
        f"- {a['period']} {a['area_code']} {a['method']}: observed {a['observed']:.0f}, "
        f"threshold {a['threshold']:.1f}"
        for a in alerts[:50]
    ]
    lines += ["", "Sign in to the portal to turn an alert into a tracked action."]
    return subject, "\n".join(lines)
