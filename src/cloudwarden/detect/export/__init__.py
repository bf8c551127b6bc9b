"""Exports of alerts and incidents: JSON lines, OCSF Detection Finding, syslog (RFC 5424 with
CEF) over UDP/TCP/TLS, and webhooks driven by automation rules."""

from cloudwarden.detect.export.jsonl import (
    alert_to_dict,
    event_to_dict,
    incident_to_dict,
    to_dict,
    write_jsonl,
)
from cloudwarden.detect.export.ocsf import OCSF_VERSION, alert_to_ocsf, write_ocsf_lines
from cloudwarden.detect.export.syslog import SyslogSender, format_cef, format_syslog
from cloudwarden.detect.export.webhook import (
    AutomationRule,
    Delivery,
    RedeliveryReport,
    WebhookDispatcher,
    redeliver,
    sign,
    verify_signature,
)

__all__ = [
    "OCSF_VERSION",
    "AutomationRule",
    "Delivery",
    "RedeliveryReport",
    "SyslogSender",
    "WebhookDispatcher",
    "alert_to_dict",
    "alert_to_ocsf",
    "event_to_dict",
    "format_cef",
    "format_syslog",
    "incident_to_dict",
    "redeliver",
    "sign",
    "to_dict",
    "verify_signature",
    "write_jsonl",
    "write_ocsf_lines",
]
