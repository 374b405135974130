"""E-mail channel: SMTP with STARTTLS (or implicit TLS) and authentication, via aiosmtplib."""

from __future__ import annotations

import re
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from netmon.alerts.messages import Message
from netmon.alerts.notifiers.base import DeliveryError
from netmon.alerts.settings import EmailSettings, Route


def _domain(site: str) -> str:
    return (re.sub(r"[^a-z0-9]+", "-", site.lower()).strip("-") or "netmon") + ".netmon"


def email_for(message: Message, settings: EmailSettings) -> EmailMessage:
    """The e-mail of one message; the notices of one incident share a thread."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = ", ".join(settings.to)
    tag = "OK" if message.status == "resolved" else message.severity.upper()
    mail["Subject"] = f"[{message.site}] {tag}: {message.title}"
    mail["Date"] = formatdate(localtime=True)
    domain = _domain(message.site)
    mail["Message-ID"] = make_msgid("netmon", domain=domain)
    if message.notice.incident_id is not None:
        thread = f"<incident-{message.notice.incident_id}@{domain}>"
        mail["References"] = thread
        mail["In-Reply-To"] = thread
    facts = "\n".join(f"{k}: {v}" for k, v in message.facts)
    mail.set_content(f"{message.text}\n\n{facts}\n")
    return mail


class EmailNotifier:
    def __init__(self, settings: EmailSettings, name: str = "email") -> None:
        self.settings = settings
        self.route: Route = settings
        self.name = name
        self._tls = ssl.create_default_context(
            cafile=str(settings.ca_file) if settings.ca_file else None)

    async def send(self, message: Message) -> None:
        s = self.settings
        try:
            await aiosmtplib.send(
                email_for(message, s), hostname=s.host, port=s.port, use_tls=s.tls,
                start_tls=s.starttls, tls_context=self._tls if (s.tls or s.starttls) else None,
                username=s.username,
                password=s.password.get_secret_value() if s.password else None,
                timeout=s.timeout_s)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(f"{self.name}: {type(exc).__name__}: {exc}") from None

    async def close(self) -> None:
        return None
