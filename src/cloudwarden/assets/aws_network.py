"""Canonical document shapes of AWS network and edge asset types, declared once (see `aws.py` for
the conventions: AWS API field names, ISO-8601 UTC timestamps, parsed policies, null when absent).

Load balancer attributes come from AWS as `key.with.dots` -> "text" pairs, which a rule path cannot
address; each one a rule needs becomes a top-level field named after its key (documented per
field) with its value typed (`"true"` -> true).
"""

from __future__ import annotations

from cloudwarden.assets.aws_network_ext import ALL as _MORE
from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")

ELB_CLASSIC = AssetType(
    name="aws.elb.classic_load_balancer",
    provider="aws",
    title="Classic Load Balancer",
    id_field="Arn",
    fields={
        "LoadBalancerName": F("str", "name", nullable=False),
        "Arn": F("str", "arn:aws:elasticloadbalancing:region:account:loadbalancer/name",
                 nullable=False),
        "DNSName": F("str", "DNS name"),
        "Scheme": F("str", "internet-facing or internal"),
        "VpcId": F("str", "VPC id, null for EC2-Classic"),
        "AvailabilityZones": F("list[str]", "zones the load balancer serves"),
        "Subnets": F("list[str]", "subnet ids"),
        "SecurityGroups": F("list[str]", "security group ids"),
        "CreatedTime": F("datetime", "created at"),
        "Listeners": F("list", "[{Protocol, LoadBalancerPort, InstanceProtocol, InstancePort, "
                       "SSLCertificateId, PolicyNames, ReferenceSecurityPolicy}]"),
        "Listeners[].Protocol": F("str", "HTTP, HTTPS, TCP or SSL (front end)"),
        "Listeners[].LoadBalancerPort": F("int", "front-end port"),
        "Listeners[].InstanceProtocol": F("str", "HTTP, HTTPS, TCP or SSL (back end)"),
        "Listeners[].InstancePort": F("int", "back-end port"),
        "Listeners[].SSLCertificateId": F("str", "ACM or IAM certificate ARN, null when none"),
        "Listeners[].PolicyNames": F("list[str]", "policies attached to the listener"),
        "Listeners[].ReferenceSecurityPolicy": F(
            "str", "predefined security policy (Reference-Security-Policy) of the listener's "
            "SSL negotiation policy, e.g. ELBSecurityPolicy-TLS-1-2-2017-01; null when the "
            "listener has none or a custom one"),
        "CrossZoneLoadBalancing": F("bool", "CrossZoneLoadBalancing.Enabled"),
        "AccessLog": F("dict", "{Enabled, S3BucketName, S3BucketPrefix, EmitInterval}"),
        "AccessLog.Enabled": F("bool", "access logs delivered to S3"),
        "AccessLog.S3BucketName": F("str", "destination bucket"),
        "AccessLog.S3BucketPrefix": F("str", "key prefix"),
        "AccessLog.EmitInterval": F("int", "minutes between log files"),
        "ConnectionDraining": F("dict", "{Enabled, Timeout}"),
        "ConnectionDraining.Enabled": F("bool", "in-flight requests complete on deregistration"),
        "ConnectionDraining.Timeout": F("int", "seconds"),
        "DesyncMitigationMode": F("str", "additional attribute elb.http.desyncmitigationmode: "
                                  "monitor, defensive or strictest; null when not reported"),
        "Tags": _TAGS,
    },
)

ELB_LOAD_BALANCER = AssetType(
    name="aws.elb.load_balancer",
    provider="aws",
    title="Application, Network or Gateway Load Balancer (ELBv2)",
    id_field="LoadBalancerArn",
    fields={
        "LoadBalancerName": F("str", "name", nullable=False),
        "LoadBalancerArn": F("str", "ARN", nullable=False),
        "Type": F("str", "application, network or gateway"),
        "Scheme": F("str", "internet-facing or internal"),
        "DNSName": F("str", "DNS name"),
        "VpcId": F("str", "VPC id"),
        "State": F("str", "active, provisioning, active_impaired, failed"),
        "AvailabilityZones": F("list[str]", "zone names the load balancer has nodes in"),
        "SecurityGroups": F("list[str]", "security group ids"),
        "CreatedTime": F("datetime", "created at"),
        "Listeners": F("list", "[{ListenerArn, Protocol, Port, SslPolicy, Certificates, "
                       "DefaultActions}]"),
        "Listeners[].ListenerArn": F("str", "listener ARN"),
        "Listeners[].Protocol": F("str", "HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP or GENEVE"),
        "Listeners[].Port": F("int", "port"),
        "Listeners[].SslPolicy": F("str", "security policy of HTTPS/TLS listeners, else null"),
        "Listeners[].Certificates": F("list[str]", "certificate ARNs"),
        "Listeners[].DefaultActions": F("list", "[{Type, RedirectConfig}]"),
        "Listeners[].DefaultActions[].Type": F("str", "forward, redirect, fixed-response, "
                                               "authenticate-oidc, authenticate-cognito"),
        "Listeners[].DefaultActions[].RedirectConfig": F(
            "dict", "{Protocol, Port, StatusCode} of a redirect action, else null"),
        "Listeners[].DefaultActions[].RedirectConfig.Protocol": F("str", "HTTP, HTTPS or "
                                                                  "#{protocol}"),
        "Listeners[].DefaultActions[].RedirectConfig.Port": F("str", "port or #{port}"),
        "Listeners[].DefaultActions[].RedirectConfig.StatusCode": F("str", "HTTP_301 or "
                                                                    "HTTP_302"),
        "AccessLogsS3Enabled": F("bool", "attribute access_logs.s3.enabled"),
        "AccessLogsS3Bucket": F("str", "attribute access_logs.s3.bucket, null when empty"),
        "DeletionProtectionEnabled": F("bool", "attribute deletion_protection.enabled"),
        "DropInvalidHeaderFieldsEnabled": F(
            "bool", "attribute routing.http.drop_invalid_header_fields.enabled (ALB only)"),
        "DesyncMitigationMode": F("str", "attribute routing.http.desync_mitigation_mode: "
                                  "monitor, defensive or strictest (ALB only)"),
        "CrossZoneEnabled": F("bool", "attribute load_balancing.cross_zone.enabled"),
        "WebACLArn": F("str", "WAFv2 web ACL associated (ALB only), null when none"),
        "Tags": _TAGS,
    },
)

_BEHAVIOR = {
    "PathPattern": F("str", "path pattern (null for the default behavior)"),
    "TargetOriginId": F("str", "origin id requests go to"),
    "ViewerProtocolPolicy": F("str", "allow-all, https-only or redirect-to-https"),
    "FieldLevelEncryptionId": F("str", "field-level encryption configuration, null when none"),
}

CLOUDFRONT_DISTRIBUTION = AssetType(
    name="aws.cloudfront.distribution",
    provider="aws",
    title="CloudFront distribution",
    id_field="ARN",
    fields={
        "Id": F("str", "distribution id", nullable=False),
        "ARN": F("str", "ARN", nullable=False),
        "DomainName": F("str", "*.cloudfront.net domain"),
        "Status": F("str", "Deployed or InProgress"),
        "Enabled": F("bool", "distribution enabled"),
        "Aliases": F("list[str]", "alternate domain names (CNAMEs)"),
        "DefaultRootObject": F("str", "object served for the root URL, null when none"),
        "HttpVersion": F("str", "http1.1, http2, http3, http2and3"),
        "PriceClass": F("str", "price class"),
        "WebACLId": F("str", "WAF web ACL (WAFv2 ARN or classic id), null when none"),
        "Logging": F("dict", "standard logging {Enabled, Bucket, Prefix, IncludeCookies}"),
        "Logging.Enabled": F("bool", "standard (access) logs delivered to S3"),
        "Logging.Bucket": F("str", "log bucket domain name"),
        "Logging.Prefix": F("str", "key prefix"),
        "Logging.IncludeCookies": F("bool", "cookies logged"),
        "ViewerCertificate": F("dict", "{CloudFrontDefaultCertificate, ACMCertificateArn, "
                               "IAMCertificateId, SSLSupportMethod, MinimumProtocolVersion}"),
        "ViewerCertificate.CloudFrontDefaultCertificate": F("bool", "the *.cloudfront.net cert"),
        "ViewerCertificate.ACMCertificateArn": F("str", "ACM certificate, null when none"),
        "ViewerCertificate.IAMCertificateId": F("str", "IAM certificate, null when none"),
        "ViewerCertificate.SSLSupportMethod": F("str", "sni-only, vip or static-ip"),
        "ViewerCertificate.MinimumProtocolVersion": F("str", "SSLv3, TLSv1, TLSv1_2016, "
                                                      "TLSv1.1_2016, TLSv1.2_2018, "
                                                      "TLSv1.2_2019, TLSv1.2_2021"),
        "DefaultCacheBehavior": F("dict", "{TargetOriginId, ViewerProtocolPolicy, "
                                  "FieldLevelEncryptionId}"),
        **{f"DefaultCacheBehavior.{k}": v for k, v in _BEHAVIOR.items() if k != "PathPattern"},
        "CacheBehaviors": F("list", "the other cache behaviors, in order"),
        **{f"CacheBehaviors[].{k}": v for k, v in _BEHAVIOR.items()},
        "Origins": F("list", "[{Id, DomainName, S3Origin, OriginAccessIdentity, "
                     "OriginAccessControlId, OriginProtocolPolicy, OriginSslProtocols}]"),
        "Origins[].Id": F("str", "origin id"),
        "Origins[].DomainName": F("str", "origin domain name"),
        "Origins[].S3Origin": F("bool", "an S3 REST origin (S3OriginConfig present)"),
        "Origins[].OriginAccessIdentity": F("str", "origin-access-identity/cloudfront/ID of an "
                                            "S3 origin, null when none"),
        "Origins[].OriginAccessControlId": F("str", "origin access control, null when none"),
        "Origins[].OriginProtocolPolicy": F("str", "custom origins: http-only, match-viewer or "
                                            "https-only; null for S3 origins"),
        "Origins[].OriginSslProtocols": F("list[str]", "custom origins: SSLv3, TLSv1, "
                                          "TLSv1.1, TLSv1.2"),
        "OriginGroups": F("list", "[{Id, Members}] failover groups"),
        "OriginGroups[].Id": F("str", "group id"),
        "OriginGroups[].Members": F("list[str]", "origin ids, primary first"),
        "GeoRestrictionType": F("str", "Restrictions.GeoRestriction.RestrictionType: none, "
                                "allowlist or blocklist"),
        "LastModifiedTime": F("datetime", "last change"),
        "Tags": _TAGS,
    },
)

APIGATEWAY_REST_API = AssetType(
    name="aws.apigateway.rest_api",
    provider="aws",
    title="API Gateway REST API",
    id_field="Arn",
    fields={
        "id": F("str", "API id", nullable=False),
        "Arn": F("str", "arn:aws:apigateway:region::/restapis/id", nullable=False),
        "name": F("str", "API name"),
        "createdDate": F("datetime", "created at"),
        "endpointConfiguration": F("dict", "{types: [EDGE|REGIONAL|PRIVATE]}"),
        "endpointConfiguration.types": F("list[str]", "endpoint types"),
        "disableExecuteApiEndpoint": F("bool", "default execute-api endpoint disabled"),
        "policy": F("json", "resource policy, null when none"),
        "authorizers": F("list", "[{id, name, type}] (TOKEN, REQUEST, COGNITO_USER_POOLS)"),
        "authorizers[].id": F("str", "authorizer id"),
        "authorizers[].name": F("str", "authorizer name"),
        "authorizers[].type": F("str", "TOKEN, REQUEST or COGNITO_USER_POOLS"),
        "Tags": _TAGS,
    },
)

APIGATEWAY_STAGE = AssetType(
    name="aws.apigateway.stage",
    provider="aws",
    title="API Gateway REST API stage",
    id_field="Arn",
    fields={
        "stageName": F("str", "stage name", nullable=False),
        "restApiId": F("str", "REST API id", nullable=False),
        "restApiName": F("str", "REST API name"),
        "Arn": F("str", "arn:aws:apigateway:region::/restapis/id/stages/name", nullable=False),
        "deploymentId": F("str", "deployment"),
        "tracingEnabled": F("bool", "X-Ray active tracing"),
        "clientCertificateId": F("str", "client certificate for backend authentication, null "
                                 "when none"),
        "webAclArn": F("str", "WAFv2 web ACL, null when none"),
        "cacheClusterEnabled": F("bool", "stage cache provisioned"),
        "accessLogSettings": F("dict", "{destinationArn, format}, null when off"),
        "accessLogSettings.destinationArn": F("str", "log group or Firehose ARN"),
        "accessLogSettings.format": F("str", "log format"),
        "methodSettings": F("list", "[{resourcePath, loggingLevel, dataTraceEnabled, "
                            "metricsEnabled, cachingEnabled, cacheDataEncrypted}]; resourcePath "
                            "is the settings key, */* for every method"),
        "methodSettings[].resourcePath": F("str", "method settings key, e.g. */* or "
                                           "~1pets/GET"),
        "methodSettings[].loggingLevel": F("str", "OFF, ERROR or INFO"),
        "methodSettings[].dataTraceEnabled": F("bool", "full request/response logging"),
        "methodSettings[].metricsEnabled": F("bool", "CloudWatch metrics"),
        "methodSettings[].cachingEnabled": F("bool", "responses cached"),
        "methodSettings[].cacheDataEncrypted": F("bool", "cached responses encrypted"),
        "createdDate": F("datetime", "created at"),
        "lastUpdatedDate": F("datetime", "last update"),
        "Tags": _TAGS,
    },
)

APIGATEWAYV2_API = AssetType(
    name="aws.apigateway.v2_api",
    provider="aws",
    title="API Gateway HTTP or WebSocket API",
    id_field="Arn",
    fields={
        "ApiId": F("str", "API id", nullable=False),
        "Arn": F("str", "arn:aws:apigateway:region::/apis/id", nullable=False),
        "Name": F("str", "name"),
        "ProtocolType": F("str", "HTTP or WEBSOCKET"),
        "ApiEndpoint": F("str", "default endpoint URL"),
        "DisableExecuteApiEndpoint": F("bool", "default endpoint disabled"),
        "CreatedDate": F("datetime", "created at"),
        "Routes": F("list", "[{RouteId, RouteKey, AuthorizationType, AuthorizerId}]"),
        "Routes[].RouteId": F("str", "route id"),
        "Routes[].RouteKey": F("str", "e.g. GET /pets, $default, $connect"),
        "Routes[].AuthorizationType": F("str", "NONE, AWS_IAM, CUSTOM or JWT"),
        "Routes[].AuthorizerId": F("str", "authorizer, null when none"),
        "Integrations": F("list", "[{IntegrationId, IntegrationType, ConnectionType, TlsConfig}] "
                          "backends of the API"),
        "Integrations[].IntegrationId": F("str", "integration id"),
        "Integrations[].IntegrationType": F("str", "AWS_PROXY, HTTP_PROXY, MOCK, ..."),
        "Integrations[].ConnectionType": F("str", "INTERNET or VPC_LINK (private integration)"),
        "Integrations[].TlsConfig": F("dict", "{ServerNameToVerify}: TLS to the private "
                                      "backend; null when not configured"),
        "Integrations[].TlsConfig.ServerNameToVerify": F("str", "name checked against the "
                                                         "backend certificate"),
        "Tags": _TAGS,
    },
)

APIGATEWAYV2_STAGE = AssetType(
    name="aws.apigateway.v2_stage",
    provider="aws",
    title="API Gateway HTTP or WebSocket API stage",
    id_field="Arn",
    fields={
        "StageName": F("str", "stage name", nullable=False),
        "ApiId": F("str", "API id", nullable=False),
        "ApiName": F("str", "API name"),
        "ProtocolType": F("str", "HTTP or WEBSOCKET"),
        "Arn": F("str", "arn:aws:apigateway:region::/apis/id/stages/name", nullable=False),
        "AutoDeploy": F("bool", "changes deployed automatically"),
        "AccessLogSettings": F("dict", "{DestinationArn, Format}, null when off"),
        "AccessLogSettings.DestinationArn": F("str", "log group ARN"),
        "AccessLogSettings.Format": F("str", "log format"),
        "DefaultRouteSettings": F("dict", "{LoggingLevel, DataTraceEnabled, "
                                  "DetailedMetricsEnabled, ThrottlingBurstLimit, "
                                  "ThrottlingRateLimit}"),
        "DefaultRouteSettings.LoggingLevel": F("str", "OFF, ERROR or INFO (WebSocket)"),
        "DefaultRouteSettings.DataTraceEnabled": F("bool", "full data logging (WebSocket)"),
        "DefaultRouteSettings.DetailedMetricsEnabled": F("bool", "per-route metrics"),
        "DefaultRouteSettings.ThrottlingBurstLimit": F("int", "burst limit"),
        "DefaultRouteSettings.ThrottlingRateLimit": F("float", "steady-state rate limit"),
        "CreatedDate": F("datetime", "created at"),
        "LastUpdatedDate": F("datetime", "last update"),
        "Tags": _TAGS,
    },
)

_VISIBILITY = {
    "CloudWatchMetricsEnabled": F("bool", "metrics sent to CloudWatch"),
    "SampledRequestsEnabled": F("bool", "sampled requests kept"),
    "MetricName": F("str", "metric name"),
}

WAFV2_WEB_ACL = AssetType(
    name="aws.wafv2.web_acl",
    provider="aws",
    title="AWS WAF web ACL",
    id_field="ARN",
    fields={
        "Name": F("str", "name", nullable=False),
        "Id": F("str", "id", nullable=False),
        "ARN": F("str", "ARN", nullable=False),
        "Scope": F("str", "REGIONAL or CLOUDFRONT (the latter collected in us-east-1)"),
        "Description": F("str", "description"),
        "DefaultAction": F("str", "Allow or Block (the key of DefaultAction)"),
        "Capacity": F("int", "web ACL capacity units used"),
        "Rules": F("list", "[{Name, Priority, Action, OverrideAction, Statement, "
                   "VisibilityConfig}]; Action is Allow|Block|Count|Captcha|Challenge and "
                   "OverrideAction None|Count (keys of the API's objects)"),
        "Rules[].Name": F("str", "rule name"),
        "Rules[].Priority": F("int", "priority"),
        "Rules[].Action": F("str", "Allow, Block, Count, Captcha or Challenge; null for rule "
                            "group references"),
        "Rules[].OverrideAction": F("str", "None or Count for rule group references"),
        "Rules[].Statement": F("json", "the rule statement"),
        "Rules[].VisibilityConfig": F("dict", "{CloudWatchMetricsEnabled, "
                                      "SampledRequestsEnabled, MetricName}"),
        **{f"Rules[].VisibilityConfig.{k}": v for k, v in _VISIBILITY.items()},
        "VisibilityConfig": F("dict", "{CloudWatchMetricsEnabled, SampledRequestsEnabled, "
                              "MetricName} of the web ACL itself"),
        **{f"VisibilityConfig.{k}": v for k, v in _VISIBILITY.items()},
        "LoggingConfiguration": F("dict", "{LogDestinationConfigs, RedactedFields}, null when "
                                  "logging is off"),
        "LoggingConfiguration.LogDestinationConfigs": F("list[str]", "Firehose, log group or "
                                                        "bucket ARNs"),
        "LoggingConfiguration.RedactedFields": F("list", "redacted request parts"),
        "Tags": _TAGS,
    },
)

ROUTE53_HOSTED_ZONE = AssetType(
    name="aws.route53.hosted_zone",
    provider="aws",
    title="Route 53 hosted zone",
    id_field="Arn",
    fields={
        "Id": F("str", "zone id without the /hostedzone/ prefix", nullable=False),
        "Arn": F("str", "arn:aws:route53:::hostedzone/id", nullable=False),
        "Name": F("str", "domain name, with the trailing dot"),
        "PrivateZone": F("bool", "private (VPC) zone"),
        "Comment": F("str", "comment"),
        "ResourceRecordSetCount": F("int", "record sets"),
        "QueryLoggingConfigs": F("list", "[{Id, CloudWatchLogsLogGroupArn}]"),
        "QueryLoggingConfigs[].Id": F("str", "config id"),
        "QueryLoggingConfigs[].CloudWatchLogsLogGroupArn": F("str", "log group receiving the "
                                                             "queries"),
        "DNSSEC": F("dict", "GetDNSSEC {ServeSignature, StatusMessage, KeySigningKeys}; null "
                    "for private zones (DNSSEC signing applies to public zones only)"),
        "DNSSEC.ServeSignature": F("str", "SIGNING, NOT_SIGNING, DELETING, "
                                   "ACTION_NEEDED, INTERNAL_FAILURE"),
        "DNSSEC.StatusMessage": F("str", "status detail"),
        "DNSSEC.KeySigningKeys": F("list", "[{Name, Status}]"),
        "DNSSEC.KeySigningKeys[].Name": F("str", "key signing key name"),
        "DNSSEC.KeySigningKeys[].Status": F("str", "ACTIVE, INACTIVE, ..."),
        "Tags": _TAGS,
    },
)

ACM_CERTIFICATE = AssetType(
    name="aws.acm.certificate",
    provider="aws",
    title="ACM certificate",
    id_field="CertificateArn",
    fields={
        "CertificateArn": F("str", "ARN", nullable=False),
        "DomainName": F("str", "primary domain name"),
        "SubjectAlternativeNames": F("list[str]", "names the certificate covers"),
        "Status": F("str", "ISSUED, PENDING_VALIDATION, EXPIRED, REVOKED, FAILED, ..."),
        "Type": F("str", "IMPORTED, AMAZON_ISSUED or PRIVATE"),
        "KeyAlgorithm": F("str", "RSA_1024, RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, "
                          "EC_secp384r1, EC_secp521r1"),
        "SignatureAlgorithm": F("str", "e.g. SHA256WITHRSA"),
        "Issuer": F("str", "issuer name"),
        "NotBefore": F("datetime", "valid from"),
        "NotAfter": F("datetime", "expires at, null until issued"),
        "InUseBy": F("list[str]", "ARNs of the resources using it"),
        "RenewalEligibility": F("str", "ELIGIBLE or INELIGIBLE"),
        "CertificateTransparencyLoggingPreference": F(
            "str", "Options.CertificateTransparencyLoggingPreference: ENABLED or DISABLED"),
        "CreatedAt": F("datetime", "requested at (ACM issued)"),
        "ImportedAt": F("datetime", "imported at (imported certificates)"),
        "Tags": _TAGS,
    },
)

ALL: tuple[AssetType, ...] = (
    ELB_CLASSIC,
    ELB_LOAD_BALANCER,
    CLOUDFRONT_DISTRIBUTION,
    APIGATEWAY_REST_API,
    APIGATEWAY_STAGE,
    APIGATEWAYV2_API,
    APIGATEWAYV2_STAGE,
    WAFV2_WEB_ACL,
    ROUTE53_HOSTED_ZONE,
    ACM_CERTIFICATE,
    *_MORE,
)
