"""Application, Network and Classic Load Balancers from Terraform, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from tf_judge import load_tf, verdicts

from cloudwarden.core.model import UNRESOLVED, Status
from cloudwarden.engine import Engine

SUBNETS = """
provider "aws" { region = "eu-west-1" }
resource "aws_subnet" "a" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}
"""

V2 = SUBNETS + """
resource "aws_s3_bucket" "logs" { bucket = "lb-logs" }
resource "aws_wafv2_web_acl" "edge" {
  name  = "edge"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "edge"
    sampled_requests_enabled   = true
  }
}

resource "aws_lb" "web" {
  name                       = "web"
  load_balancer_type         = "application"
  subnets                    = [aws_subnet.a.id, aws_subnet.b.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = true
  access_logs {
    bucket  = aws_s3_bucket.logs.id
    enabled = true
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_wafv2_web_acl_association" "web" {
  resource_arn = aws_lb.web.arn
  web_acl_arn  = aws_wafv2_web_acl.edge.arn
}

resource "aws_alb" "legacy" {
  name    = "legacy"
  subnets = [aws_subnet.a.id]
  desync_mitigation_mode = "monitor"
}

resource "aws_alb_listener" "legacy" {
  load_balancer_arn = aws_alb.legacy.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}

resource "aws_alb_listener" "legacy_http" {
  load_balancer_arn = aws_alb.legacy.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}

resource "aws_lb" "tcp" {
  name               = "tcp"
  load_balancer_type = "network"
  internal           = true
  subnet_mapping { subnet_id = "subnet-0outside" }
}
"""


def test_application_and_network_load_balancers(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, V2)
    web = found["aws_lb.web"]
    p = web.properties
    assert p["AvailabilityZones"] == ["eu-west-1a", "eu-west-1b"]
    assert p["Scheme"] == "internet-facing" and p["CrossZoneEnabled"] is True
    assert p["AccessLogsS3Bucket"] == "lb-logs"
    assert p["WebACLArn"] == "tf:aws_wafv2_web_acl.edge"
    https, http = sorted(p["Listeners"], key=lambda item: -item["Port"])
    assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["Certificates"] == ["arn:aws:acm:eu-west-1:123456789012:certificate/abc"]
    assert http["Protocol"] == "HTTP" and http["SslPolicy"] is None
    assert http["DefaultActions"] == [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    legacy = found["aws_alb.legacy"].properties
    assert legacy["DesyncMitigationMode"] == "monitor"
    assert {item["SslPolicy"] for item in legacy["Listeners"]} == {"ELBSecurityPolicy-2016-08",
                                                                    None}
    tcp = found["aws_lb.tcp"]
    assert tcp.properties["Scheme"] == "internal"
    assert tcp.properties["DropInvalidHeaderFieldsEnabled"] is None
    assert tcp.properties["CrossZoneEnabled"] is False
    assert tcp.unknown["AvailabilityZones"].startswith(UNRESOLVED)

    results = verdicts(aws_engine, found)
    w, lg = "aws_lb.web", "aws_alb.legacy"
    for rule, web_status, legacy_status in (
            ("aws.elb.alb_desync_mitigation", Status.PASS, Status.FAIL),
            ("aws.elb.alb_drops_invalid_headers", Status.PASS, Status.FAIL),
            ("aws.elb.alb_http_redirects_to_https", Status.PASS, Status.FAIL),
            ("aws.elb.alb_waf_attached", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_access_logs", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_deletion_protection", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_listeners_encrypted", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_multi_az", Status.PASS, Status.FAIL),
            ("aws.elb.load_balancer_strong_tls_policy", Status.PASS, Status.FAIL),
    ):
        assert results[(rule, w)] is web_status, rule
        assert results[(rule, lg)] is legacy_status, rule
    assert results[("aws.elb.load_balancer_multi_az", "aws_lb.tcp")] is Status.NOT_APPLICABLE
    assert results[("aws.elb.load_balancer_deletion_protection", "aws_lb.tcp")] is Status.FAIL


CLASSIC = SUBNETS + """
resource "aws_elb" "secure" {
  name    = "secure"
  subnets = [aws_subnet.a.id, aws_subnet.b.id]
  listener {
    lb_port            = 443
    lb_protocol        = "https"
    instance_port      = 8080
    instance_protocol  = "http"
    ssl_certificate_id = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
  }
  access_logs {
    bucket   = "elb-logs"
    interval = 5
  }
  connection_draining = true
}

resource "aws_load_balancer_policy" "tls12" {
  load_balancer_name = aws_elb.secure.name
  policy_name        = "tls12"
  policy_type_name   = "SSLNegotiationPolicyType"
  policy_attribute {
    name  = "Reference-Security-Policy"
    value = "ELBSecurityPolicy-TLS-1-2-2017-01"
  }
}

resource "aws_load_balancer_listener_policy" "secure_443" {
  load_balancer_name = aws_elb.secure.name
  load_balancer_port = 443
  policy_names       = [aws_load_balancer_policy.tls12.policy_name]
}

resource "aws_elb" "plain" {
  name                      = "plain"
  availability_zones        = ["eu-west-1a"]
  cross_zone_load_balancing = false
  desync_mitigation_mode    = "monitor"
  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 80
    instance_protocol = "http"
  }
  listener {
    lb_port            = 443
    lb_protocol        = "https"
    instance_port      = 80
    instance_protocol  = "http"
    ssl_certificate_id = "arn:aws:iam::123456789012:server-certificate/old"
  }
}
"""


def test_classic_load_balancers(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, CLASSIC)
    secure = found["aws_elb.secure"].properties
    assert secure["Listeners"] == [{
        "Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP",
        "InstancePort": 8080,
        "SSLCertificateId": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        "PolicyNames": ["tls12"], "ReferenceSecurityPolicy": "ELBSecurityPolicy-TLS-1-2-2017-01"}]
    assert secure["AccessLog"] == {"Enabled": True, "S3BucketName": "elb-logs",
                                   "S3BucketPrefix": None, "EmitInterval": 5}
    assert secure["AvailabilityZones"] == ["eu-west-1a", "eu-west-1b"]
    plain = found["aws_elb.plain"].properties
    assert plain["Listeners"][1]["ReferenceSecurityPolicy"] == "ELBSecurityPolicy-2016-08"

    results = verdicts(aws_engine, found)
    s, pl = "aws_elb.secure", "aws_elb.plain"
    for rule in ("aws.elb.classic_access_logs", "aws.elb.classic_connection_draining",
                 "aws.elb.classic_cross_zone", "aws.elb.classic_desync_mitigation",
                 "aws.elb.classic_listeners_encrypted", "aws.elb.classic_multi_az",
                 "aws.elb.classic_strong_ssl_policy", "aws.elb.classic_uses_acm_certificate"):
        assert results[(rule, s)] is Status.PASS, rule
        assert results[(rule, pl)] is Status.FAIL, rule
