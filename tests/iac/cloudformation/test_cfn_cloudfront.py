"""CloudFront distributions from CloudFormation, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from cfn_judge import load_cfn, verdicts

from cloudwarden.core.model import UNRESOLVED, Status

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SiteBucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: example-site}
  SiteOac:
    Type: AWS::CloudFront::OriginAccessControl
    Properties:
      OriginAccessControlConfig: {Name: site, OriginAccessControlOriginType: s3,
                                  SigningBehavior: always, SigningProtocol: sigv4}
  Site:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        DefaultRootObject: index.html
        WebACLId: arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/1
        Origins:
          - Id: s3
            DomainName: !GetAtt SiteBucket.RegionalDomainName
            OriginAccessControlId: !GetAtt SiteOac.Id
            S3OriginConfig: {OriginAccessIdentity: ""}
          - Id: api
            DomainName: api.example.com
            CustomOriginConfig: {OriginProtocolPolicy: https-only, OriginSSLProtocols: [TLSv1.2]}
        OriginGroups:
          Quantity: 1
          Items:
            - Id: failover
              FailoverCriteria: {StatusCodes: {Quantity: 1, Items: [500]}}
              Members: {Quantity: 2, Items: [{OriginId: s3}, {OriginId: api}]}
        DefaultCacheBehavior: {TargetOriginId: s3, ViewerProtocolPolicy: redirect-to-https}
        CacheBehaviors:
          - {PathPattern: /api/*, TargetOriginId: api, ViewerProtocolPolicy: https-only}
        Logging: {Bucket: !GetAtt SiteBucket.DomainName, Prefix: cf/}
        ViewerCertificate: {AcmCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/s,
                            SslSupportMethod: sni-only, MinimumProtocolVersion: TLSv1.2_2021}
  Legacy:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: web
            DomainName: old.example.com
            CustomOriginConfig: {OriginProtocolPolicy: match-viewer,
                                 OriginSSLProtocols: [SSLv3, TLSv1]}
        DefaultCacheBehavior: {TargetOriginId: web, ViewerProtocolPolicy: allow-all}
        ViewerCertificate: {AcmCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/l,
                            SslSupportMethod: vip}
  Unsure:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: web
            DomainName: web.example.com
            CustomOriginConfig: {OriginProtocolPolicy: https-only}
        DefaultCacheBehavior: {TargetOriginId: web, ViewerProtocolPolicy: https-only}
"""


def test_distributions(tmp_path: Path) -> None:
    found = load_cfn(tmp_path, TEMPLATE)
    site = found["Site"].properties
    # the stack's region is chosen on deploy: the regional endpoint stays symbolic
    assert site["Origins"][0]["DomainName"] == "${SiteBucket.RegionalDomainName}"
    assert site["Origins"][0]["S3Origin"] is True
    assert site["Origins"][0]["OriginAccessControlId"] == "${SiteOac}"
    assert site["OriginGroups"] == [{"Id": "failover", "Members": ["s3", "api"]}]
    assert site["Logging"]["Bucket"] == "example-site.s3.amazonaws.com"
    unsure = found["Unsure"]
    assert unsure.unknown["Origins"].startswith(UNRESOLVED)
    assert unsure.properties["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True

    results = verdicts(found)
    for rule in ("aws.cloudfront.viewer_https_required", "aws.cloudfront.viewer_minimum_tls",
                 "aws.cloudfront.waf_enabled", "aws.cloudfront.logging_enabled",
                 "aws.cloudfront.default_root_object", "aws.cloudfront.custom_origin_https",
                 "aws.cloudfront.origin_no_deprecated_ssl", "aws.cloudfront.origin_failover",
                 "aws.cloudfront.sni_enabled"):
        assert results[(rule, "Site")] is Status.PASS, rule
        assert results[(rule, "Legacy")] is Status.FAIL, rule
    assert results[("aws.cloudfront.s3_origin_access_control", "Site")] is Status.PASS
    assert results[("aws.cloudfront.custom_origin_https", "Unsure")] is Status.NOT_APPLICABLE
    assert results[("aws.cloudfront.custom_certificate", "Unsure")] is Status.FAIL
