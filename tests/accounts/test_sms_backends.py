"""The SMS backends. The provider backends drive the real Aliyun and Tencent SDKs against a
local HTTP endpoint that recomputes each request's signature from the secret, as the provider
does, and answers as the provider would: nothing of the SDKs is replaced."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from accounts import sms
from accounts.sms.urls import SmsUrlError, parse_sms_url

NUMBER = "+8613800138000"


class Endpoint:
    """A provider on 127.0.0.1: records each request and answers with `self.answer`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer: tuple[int, dict] = (200, {})
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                endpoint.requests.append(
                    {
                        "method": "POST",
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length),
                    }
                )
                status, payload = endpoint.answer
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    server = Endpoint()
    yield server
    server.close()


# ------------------------------------------------------------------ Aliyun (ACS3-HMAC-SHA256)


def aliyun_signature_valid(request: dict, key: str, secret: str) -> bool:
    """Recompute the ACS3-HMAC-SHA256 signature of Aliyun's V3 request signing."""
    auth = request["headers"]["authorization"]
    algorithm, _, rest = auth.partition(" ")
    fields = dict(part.split("=", 1) for part in rest.split(","))
    if algorithm != "ACS3-HMAC-SHA256" or fields["Credential"] != key:
        return False
    url = urlsplit(request["path"])
    query = sorted(parse_qsl(url.query, keep_blank_values=True))
    canonical_query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in query)
    signed = fields["SignedHeaders"].split(";")
    canonical_headers = "".join(f"{h}:{request['headers'][h].strip()}\n" for h in signed)
    payload = hashlib.sha256(request["body"]).hexdigest()
    if payload != request["headers"]["x-acs-content-sha256"]:
        return False
    canonical = "\n".join(
        [
            request["method"],
            url.path or "/",
            canonical_query,
            canonical_headers,
            fields["SignedHeaders"],
            payload,
        ]
    )
    to_sign = f"{algorithm}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["Signature"])


def aliyun_url(endpoint, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"sign": "农桥", **extra}.items())
    return f"aliyun://LTAIkey:s3cret@{endpoint.host}?scheme=http&template_code=SMS_1&{query}"


def test_aliyun_sends_a_code_as_a_signed_send_sms_request(endpoint):
    endpoint.answer = (200, {"Code": "OK", "Message": "OK", "BizId": "9006^0", "RequestId": "r"})
    sent = sms.send_sms(NUMBER, "verification_code", {"code": "482913"}, url=aliyun_url(endpoint))
    assert sent == sms.Sent("9006^0", "aliyun")
    [request] = endpoint.requests
    assert request["headers"]["x-acs-action"] == "SendSms"
    assert request["headers"]["x-acs-version"] == "2017-05-25"
    assert request["headers"]["host"] == endpoint.host
    query = dict(parse_qsl(urlsplit(request["path"]).query))
    assert query == {
        "PhoneNumbers": "13800138000",
        "SignName": "农桥",
        "TemplateCode": "SMS_1",
        "TemplateParam": '{"code": "482913"}',
    }
    assert aliyun_signature_valid(request, "LTAIkey", "s3cret")
    assert not aliyun_signature_valid(request, "LTAIkey", "another-secret")


def test_aliyun_takes_each_kinds_template_from_the_url(endpoint):
    endpoint.answer = (200, {"Code": "OK", "Message": "OK", "BizId": "1", "RequestId": "r"})
    url = aliyun_url(endpoint, template_evaluation_ready="SMS_5")
    sms.send_sms(NUMBER, "evaluation_ready", {"link": "https://nq.cn/s/abc"}, url=url)
    query = dict(parse_qsl(urlsplit(endpoint.requests[0]["path"]).query))
    assert (query["TemplateCode"], query["TemplateParam"]) == (
        "SMS_5",
        '{"link": "https://nq.cn/s/abc"}',
    )


def test_aliyun_refusing_a_number_is_final(endpoint):
    endpoint.answer = (
        200,
        {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "r"},
    )
    with pytest.raises(sms.SmsRefused) as refused:
        sms.send_sms(NUMBER, "verification_code", {"code": "1"}, url=aliyun_url(endpoint))
    assert (refused.value.code, refused.value.message) == (
        "isv.MOBILE_NUMBER_ILLEGAL",
        "非法手机号",
    )


def test_aliyun_throttling_is_worth_a_retry(endpoint):
    endpoint.answer = (
        200,
        {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控", "RequestId": "r"},
    )
    with pytest.raises(sms.SmsError) as error:
        sms.send_sms(NUMBER, "verification_code", {"code": "1"}, url=aliyun_url(endpoint))
    assert not isinstance(error.value, sms.SmsRefused)
    assert error.value.code == "isv.BUSINESS_LIMIT_CONTROL"


def test_aliyun_rejecting_the_signature_is_final(endpoint):
    endpoint.answer = (
        400,
        {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"},
    )
    with pytest.raises(sms.SmsRefused) as refused:
        sms.send_sms(NUMBER, "verification_code", {"code": "1"}, url=aliyun_url(endpoint))
    assert refused.value.code == "SignatureDoesNotMatch"


# ------------------------------------------------------------------ Tencent (TC3-HMAC-SHA256)


def tencent_signature_valid(request: dict, secret_id: str, secret_key: str) -> bool:
    """Recompute the TC3-HMAC-SHA256 signature of Tencent Cloud API 3.0."""
    auth = request["headers"]["authorization"]
    algorithm, _, rest = auth.partition(" ")
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    sid, date, service, terminator = fields["Credential"].split("/")
    if (algorithm, sid, service, terminator) != (
        "TC3-HMAC-SHA256",
        secret_id,
        "sms",
        "tc3_request",
    ):
        return False
    signed = fields["SignedHeaders"].split(";")
    canonical_headers = "".join(f"{h}:{request['headers'][h].strip().lower()}\n" for h in signed)
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            canonical_headers,
            fields["SignedHeaders"],
            hashlib.sha256(request["body"]).hexdigest(),
        ]
    )
    timestamp = request["headers"]["x-tc-timestamp"]
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"{algorithm}\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"

    def mac(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = mac(mac(mac(("TC3" + secret_key).encode(), date), service), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["Signature"])


def tencent_url(endpoint) -> str:
    return (
        f"tencent://AKIDid:tc-s3cret@{endpoint.host}?scheme=http&sdk_app_id=1400006666"
        "&sign=农桥&template_code=1110&template_meeting_reminder=2220&region=ap-guangzhou"
    )


def tencent_ok(serial="2019:1") -> dict:
    status = {"SerialNo": serial, "PhoneNumber": NUMBER, "Fee": 1, "SessionContext": ""}
    return {
        "Response": {
            "SendStatusSet": [{**status, "Code": "Ok", "Message": "send success", "IsoCode": "CN"}],
            "RequestId": "a0aabda6",
        }
    }


def test_tencent_sends_a_code_as_a_signed_send_sms_request(endpoint):
    endpoint.answer = (200, tencent_ok())
    sent = sms.send_sms(NUMBER, "verification_code", {"code": "482913"}, url=tencent_url(endpoint))
    assert sent == sms.Sent("2019:1", "tencent")
    [request] = endpoint.requests
    headers = request["headers"]
    assert (headers["x-tc-action"], headers["x-tc-version"], headers["x-tc-region"]) == (
        "SendSms",
        "2021-01-11",
        "ap-guangzhou",
    )
    assert json.loads(request["body"]) == {
        "PhoneNumberSet": [NUMBER],
        "SmsSdkAppId": "1400006666",
        "SignName": "农桥",
        "TemplateId": "1110",
        "TemplateParamSet": ["482913"],
    }
    assert tencent_signature_valid(request, "AKIDid", "tc-s3cret")
    assert not tencent_signature_valid(request, "AKIDid", "another-secret")


def test_tencent_gets_the_template_parameters_in_the_templates_order(endpoint):
    endpoint.answer = (200, tencent_ok())
    sms.send_sms(
        NUMBER,
        "meeting_reminder",
        {"link": "https://nq.cn/s/k3", "time": "09:30"},
        url=tencent_url(endpoint),
    )
    body = json.loads(endpoint.requests[0]["body"])
    assert (body["TemplateId"], body["TemplateParamSet"]) == (
        "2220",
        ["09:30", "https://nq.cn/s/k3"],
    )


def test_tencent_refusing_a_number_is_final(endpoint):
    answer = tencent_ok()
    answer["Response"]["SendStatusSet"][0] |= {
        "Code": "InvalidParameterValue.IncorrectPhoneNumber",
        "Message": "incorrect number",
    }
    endpoint.answer = (200, answer)
    with pytest.raises(sms.SmsRefused) as refused:
        sms.send_sms(NUMBER, "verification_code", {"code": "1"}, url=tencent_url(endpoint))
    assert refused.value.code == "InvalidParameterValue.IncorrectPhoneNumber"


def test_tencent_rejecting_the_signature_is_final(endpoint):
    error = {"Code": "AuthFailure.SignatureFailure", "Message": "signature mismatch"}
    endpoint.answer = (200, {"Response": {"Error": error, "RequestId": "b1"}})
    with pytest.raises(sms.SmsRefused) as refused:
        sms.send_sms(NUMBER, "verification_code", {"code": "1"}, url=tencent_url(endpoint))
    assert refused.value.code == "AuthFailure.SignatureFailure"


def test_an_unreachable_provider_is_worth_a_retry(endpoint):
    url = tencent_url(endpoint)
    endpoint.close()
    with pytest.raises(sms.SmsError) as error:
        sms.send_sms(NUMBER, "verification_code", {"code": "1"}, url=url)
    assert not isinstance(error.value, sms.SmsRefused)


# ------------------------------------------------------------------ local backends and URLs


def test_the_file_backend_writes_one_json_line_per_message(tmp_path):
    path = tmp_path / "sms.jsonl"
    for code in ("111111", "222222"):
        sms.send_sms(NUMBER, "verification_code", {"code": code}, url=f"file://{path}")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(m["to"], m["kind"], m["params"]) for m in lines] == [
        (NUMBER, "verification_code", {"code": "111111"}),
        (NUMBER, "verification_code", {"code": "222222"}),
    ]
    assert lines[1]["text"] == "您的验证码为222222，5分钟内有效，请勿告诉他人。"


def test_the_console_prints_the_code_only_in_debug(settings, capsys):
    settings.DEBUG = True
    sms.send_sms(NUMBER, "verification_code", {"code": "482913"}, url="console://")
    settings.DEBUG = False
    sms.send_sms(NUMBER, "verification_code", {"code": "482913"}, url="console://")
    assert capsys.readouterr().out.splitlines() == [
        "SMS to +8613800138000: 您的验证码为482913，5分钟内有效，请勿告诉他人。",
        "SMS to +8613800138000: 您的验证码为******，5分钟内有效，请勿告诉他人。",
    ]


def test_every_text_fits_one_sms_with_its_parameters_filled():
    from accounts.sms import catalogue

    sample = {
        "code": "123456",
        "link": "https://nongqiao.cn/s/AbC123x",
        "station": "黔东南州雷山县技术转化服务站",
        "time": "14:30",
        "table": "12",
    }
    lengths = {kind: len(catalogue.render(kind, sample)) for kind in catalogue.TEXTS}
    assert max(lengths.values()) < 70, lengths


def test_sms_url_forms():
    assert parse_sms_url("console://") == {"backend": "console"}
    assert parse_sms_url("file:///tmp/sms.jsonl") == {"backend": "file", "path": "/tmp/sms.jsonl"}
    assert parse_sms_url("aliyun://K%2F1:S%40x@?sign=农桥&template_code=SMS_1") == {
        "backend": "aliyun",
        "access_key": "K/1",
        "secret": "S@x",
        "endpoint": "dysmsapi.aliyuncs.com",
        "protocol": "https",
        "sign": "农桥",
        "templates": {"verification_code": "SMS_1"},
        "region": "ap-guangzhou",
        "sdk_app_id": "",
    }
    with pytest.raises(SmsUrlError):
        parse_sms_url("carrier-pigeon://")


def test_an_unknown_sms_url_stops_the_site_at_start_up(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SMS_URL": "pigeon://",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SMS_URL scheme 'pigeon' is not supported." in result.stderr
