"""CloudFront distributions from Terraform, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from tf_judge import load_tf, verdicts

from cloudwarden.core.model import Status
from cloudwarden.engine import Engine

DISTRIBUTIONS = """
provider "aws" { region = "eu-west-1" }

resource "aws_s3_bucket" "site" { bucket = "example-site" }
resource "aws_s3_bucket" "logs" { bucket = "example-cf-logs" }
resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "site"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}
resource "aws_wafv2_web_acl" "cf" {
  name  = "cf"
  scope = "CLOUDFRONT"
  default_action {
    allow {}
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "cf"
    sampled_requests_enabled   = true
  }
}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  aliases             = ["www.example.com"]
  default_root_object = "index.html"
  web_acl_id          = aws_wafv2_web_acl.cf.arn

  origin {
    origin_id                = "s3-site"
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }
  origin {
    origin_id   = "api"
    domain_name = "api.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  origin_group {
    origin_id = "failover"
    failover_criteria { status_codes = [500, 502] }
    member { origin_id = "s3-site" }
    member { origin_id = "api" }
  }

  default_cache_behavior {
    target_origin_id       = "s3-site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "api"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  logging_config {
    bucket = aws_s3_bucket.logs.bucket_domain_name
    prefix = "cf/"
  }

  restrictions {
    geo_restriction { restriction_type = "none" }
  }

  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:123456789012:certificate/site"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_cloudfront_distribution" "legacy" {
  enabled = true
  origin {
    origin_id   = "legacy-s3"
    domain_name = "legacy-assets.s3.amazonaws.com"
    s3_origin_config { origin_access_identity = "" }
  }
  origin {
    origin_id   = "old-web"
    domain_name = "old.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "match-viewer"
      origin_ssl_protocols   = ["SSLv3", "TLSv1"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "legacy-s3"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate {
    acm_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/legacy"
    ssl_support_method  = "vip"
  }
}
"""


def test_distributions(tmp_path: Path, aws_engine: Engine) -> None:
    found = load_tf(tmp_path, DISTRIBUTIONS)
    site = found["aws_cloudfront_distribution.site"].properties
    s3, api = site["Origins"]
    assert s3 == {"Id": "s3-site", "DomainName": "example-site.s3.eu-west-1.amazonaws.com",
                  "S3Origin": True, "OriginAccessIdentity": None,
                  "OriginAccessControlId": "tf:aws_cloudfront_origin_access_control.site",
                  "OriginProtocolPolicy": None, "OriginSslProtocols": []}
    assert api["OriginProtocolPolicy"] == "https-only"
    assert site["OriginGroups"] == [{"Id": "failover", "Members": ["s3-site", "api"]}]
    assert site["Logging"] == {"Enabled": True, "Bucket": "example-cf-logs.s3.amazonaws.com",
                               "Prefix": "cf/", "IncludeCookies": False}
    assert site["WebACLId"] == "tf:aws_wafv2_web_acl.cf"
    assert site["CacheBehaviors"][0]["PathPattern"] == "/api/*"
    legacy = found["aws_cloudfront_distribution.legacy"].properties
    assert legacy["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1"
    assert legacy["Logging"]["Enabled"] is False

    results = verdicts(aws_engine, found)
    s, lg = "aws_cloudfront_distribution.site", "aws_cloudfront_distribution.legacy"
    for rule in ("aws.cloudfront.viewer_https_required", "aws.cloudfront.viewer_minimum_tls",
                 "aws.cloudfront.waf_enabled", "aws.cloudfront.logging_enabled",
                 "aws.cloudfront.default_root_object", "aws.cloudfront.custom_origin_https",
                 "aws.cloudfront.origin_no_deprecated_ssl", "aws.cloudfront.origin_failover",
                 "aws.cloudfront.sni_enabled"):
        assert results[(rule, s)] is Status.PASS, rule
        assert results[(rule, lg)] is Status.FAIL, rule
    assert results[("aws.cloudfront.s3_origin_access_control", lg)] is Status.FAIL
    assert results[("aws.cloudfront.custom_certificate", s)] is Status.PASS
