"""SMS_URL parsing, without Django, so that config.settings can validate it at start-up.

    console://                      printed to the console (the default, as email is)
    file:///var/tmp/sms.jsonl       one JSON line per message (tests read the codes there)
    locmem://                       kept in accounts.sms.outbox (unit tests)
    aliyun://KEY:SECRET@dysmsapi.aliyuncs.com?sign=农桥&template_code=SMS_1
    tencent://ID:KEY@sms.tencentcloudapi.com?sdk_app_id=1400000000&sign=农桥&template_code=1
        &region=ap-guangzhou

For the providers the host is the API endpoint (empty: the provider's default), `scheme=http`
talks plain HTTP (a local test endpoint), `template_code` is the verification-code template
and `template_<kind>` the template of each other kind (see accounts.sms.catalogue).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlparse

SCHEMES = ("console", "file", "locmem", "aliyun", "tencent")
DEFAULT_ENDPOINTS = {"aliyun": "dysmsapi.aliyuncs.com", "tencent": "sms.tencentcloudapi.com"}


class SmsUrlError(ValueError):
    pass


def parse_sms_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in SCHEMES:
        raise SmsUrlError(f"SMS_URL scheme {parsed.scheme!r} is not supported.")
    query = dict(parse_qsl(parsed.query))
    config = {"backend": parsed.scheme}
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        if not path:
            raise SmsUrlError("SMS_URL file:// needs a path, e.g. file:///var/tmp/sms.jsonl.")
        config["path"] = path
    elif parsed.scheme in DEFAULT_ENDPOINTS:
        host = parsed.hostname or ""
        if host and parsed.port:
            host = f"{host}:{parsed.port}"
        templates = {
            key.removeprefix("template_"): value
            for key, value in query.items()
            if key.startswith("template_") and key != "template_code"
        }
        if "template_code" in query:
            templates.setdefault("verification_code", query["template_code"])
        config |= {
            "access_key": unquote(parsed.username or ""),
            "secret": unquote(parsed.password or ""),
            "endpoint": host or DEFAULT_ENDPOINTS[parsed.scheme],
            "protocol": query.get("scheme", "https"),
            "sign": query.get("sign", ""),
            "templates": templates,
            "region": query.get("region", "ap-guangzhou"),
            "sdk_app_id": query.get("sdk_app_id", ""),
        }
        if config["protocol"] not in ("http", "https"):
            raise SmsUrlError("SMS_URL scheme= is http or https.")
    return config
