"""Where an SMS goes: the console, a file, memory, or a provider through its official SDK."""

from __future__ import annotations

import fcntl
import json
import sys
import uuid
from dataclasses import dataclass

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_openapi.exceptions import ClientException
from darabonba.runtime import RuntimeOptions
from django.conf import settings
from django.utils import timezone
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from accounts.sms import catalogue


class SmsError(Exception):
    """Sending failed for a reason that may pass (network, provider throttling): retry later."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class SmsRefused(SmsError):
    """The provider refused this message for good (bad number, template, blacklist)."""


@dataclass(frozen=True)
class Sent:
    message_id: str
    backend: str


def national(number: str) -> str:
    """+8613800138000 -> 13800138000; numbers abroad keep their country code, without "+"."""
    return number[3:] if number.startswith("+86") else number.lstrip("+")


class BaseBackend:
    name = "base"

    def __init__(self, config: dict):
        self.config = config

    def send(self, number: str, kind: str, params: dict[str, str]) -> Sent:
        raise NotImplementedError

    def template_id(self, kind: str) -> str:
        templates = {**self.config.get("templates", {}), **getattr(settings, "SMS_TEMPLATES", {})}
        try:
            return templates[kind]
        except KeyError:
            raise SmsRefused(
                "template_missing", f"No {self.name} template id for {kind!r}."
            ) from None


class ConsoleBackend(BaseBackend):
    """Prints each message, as the console email backend does. Outside DEBUG the code is
    masked, so that a production log never holds a working code."""

    name = "console"

    def send(self, number, kind, params):
        if not settings.DEBUG and "code" in params:
            params = {**params, "code": "******"}
        sys.stdout.write(f"SMS to {number}: {catalogue.render(kind, params)}\n")
        sys.stdout.flush()
        return Sent(uuid.uuid4().hex, self.name)


class FileBackend(BaseBackend):
    """Appends one JSON line per message; browser tests read the codes from it."""

    name = "file"

    def send(self, number, kind, params):
        line = json.dumps(
            {
                "to": number,
                "kind": kind,
                "params": params,
                "text": catalogue.render(kind, params),
                "sent_at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        with open(self.config["path"], "a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            out.write(line + "\n")
        return Sent(uuid.uuid4().hex, self.name)


outbox: list[dict] = []


class LocmemBackend(BaseBackend):
    name = "locmem"

    def send(self, number, kind, params):
        outbox.append(
            {"to": number, "kind": kind, "params": params, "text": catalogue.render(kind, params)}
        )
        return Sent(uuid.uuid4().hex, self.name)


# Provider answers that may pass: retry later. Anything else refused is final.
_ALIYUN_TRANSIENT = {"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "Throttling.User"}
_TENCENT_TRANSIENT_PREFIXES = ("InternalError", "RequestLimitExceeded", "LimitExceeded.Delivery")


class AliyunBackend(BaseBackend):
    """阿里云短信 through alibabacloud-dysmsapi20170525 (SendSms, ACS3-HMAC-SHA256 signed)."""

    name = "aliyun"

    def client(self):

        return Client(
            openapi_models.Config(
                access_key_id=self.config["access_key"],
                access_key_secret=self.config["secret"],
                endpoint=self.config["endpoint"],
                protocol=self.config["protocol"],
                read_timeout=10_000,
                connect_timeout=5_000,
            )
        )

    def send(self, number, kind, params):

        request = sms_models.SendSmsRequest(
            phone_numbers=national(number),
            sign_name=self.config["sign"],
            template_code=self.template_id(kind),
            template_param=json.dumps(params, ensure_ascii=False),
        )
        try:
            # One attempt here: Celery owns the retries, with its own back-off.
            runtime = RuntimeOptions(autoretry=False)
            body = self.client().send_sms_with_options(request, runtime).body
        except ClientException as error:
            raise SmsRefused(str(error.code), str(error.message)) from error
        except Exception as error:  # network, timeouts, a 5xx: all worth another try
            raise SmsError("unavailable", str(error)) from error
        if body.code != "OK":
            cls = SmsError if body.code in _ALIYUN_TRANSIENT else SmsRefused
            raise cls(body.code or "unknown", body.message or "")
        return Sent(body.biz_id or "", self.name)


class TencentBackend(BaseBackend):
    """腾讯云短信 through tencentcloud-sdk-python-sms (SendSms 2021-01-11, TC3-HMAC-SHA256)."""

    name = "tencent"

    def client(self):

        http = HttpProfile(
            protocol=self.config["protocol"], endpoint=self.config["endpoint"], reqTimeout=10
        )
        return sms_client.SmsClient(
            credential.Credential(self.config["access_key"], self.config["secret"]),
            self.config["region"],
            ClientProfile(httpProfile=http),
        )

    def send(self, number, kind, params):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [number]
        request.SmsSdkAppId = self.config["sdk_app_id"]
        request.SignName = self.config["sign"]
        request.TemplateId = self.template_id(kind)
        request.TemplateParamSet = [str(params[name]) for name in catalogue.parameter_names(kind)]
        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or "unknown"
            transient = code.startswith(_TENCENT_TRANSIENT_PREFIXES) or not error.get_request_id()
            cls = SmsError if transient else SmsRefused
            raise cls(code, error.get_message() or "") from error
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            cls = SmsError if status.Code.startswith(_TENCENT_TRANSIENT_PREFIXES) else SmsRefused
            raise cls(status.Code, status.Message or "")
        return Sent(status.SerialNo or "", self.name)


BACKENDS = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "locmem": LocmemBackend,
    "aliyun": AliyunBackend,
    "tencent": TencentBackend,
}
