"""SMS behind one interface. Chinese gateways send approved templates with parameters.

Backends: `ConsoleSmsBackend` (development: logs), `LocmemSmsBackend` (tests: an outbox).
A provider backend (Aliyun, Tencent) implements `send` and is named in LINLI_SMS_BACKEND.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from linli.domain.masking import mask_phone

logger = logging.getLogger("linli.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    template: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SmsResult:
    ok: bool
    provider_id: str = ""
    error: str = ""


class BaseSmsBackend:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, message: SmsMessage) -> SmsResult:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes the message to the log (development). The code is shown so a developer can log in."""

    def send(self, message: SmsMessage) -> SmsResult:
        logger.warning(
            "SMS to %s [%s] %s", mask_phone(message.phone), message.template, message.params
        )
        print(
            f"[SMS] to {message.phone} template={message.template} params={message.params}",
            flush=True,
        )
        return SmsResult(ok=True, provider_id="console")


outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `linli.core.sms.outbox` (tests)."""

    def send(self, message: SmsMessage) -> SmsResult:
        outbox.append(message)
        return SmsResult(ok=True, provider_id=f"locmem-{len(outbox)}")


def get_sms_backend() -> BaseSmsBackend:
    cls = import_string(settings.LINLI_SMS_BACKEND)
    return cls(**settings.LINLI_SMS_OPTIONS)  # type: ignore[no-any-return]


def send_sms(*, phone: str, template: str, params: dict[str, str]) -> SmsResult:
    """Send one templated SMS through the configured backend."""
    return get_sms_backend().send(SmsMessage(phone=phone, template=template, params=params))
