"""The data-family collectors (RDS, DynamoDB, Redshift, ElastiCache, OpenSearch, EFS, Backup)
against a real moto server: resources seeded well and badly configured, collected once.

moto lacks two AWS Backup read APIs (GetBackupVaultAccessPolicy and
ListRecoveryPointsByBackupVault answer 404): this test answers them with canned replies on
botocore's `before-send` event of the injected session (the injected transport technique), as
AWS documents them. It also cannot modify Redshift parameter groups, so the require_ssl value
collected is moto's engine default.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from cloudwarden.assets import default_registry
from cloudwarden.collectors.aws import AwsScanOptions, collect
from cloudwarden.collectors.aws import backup as backup_mod
from cloudwarden.collectors.aws import dynamodb as dynamodb_mod
from cloudwarden.collectors.aws import efs as efs_mod
from cloudwarden.collectors.aws import opensearch as opensearch_mod
from cloudwarden.collectors.aws import rds as rds_mod
from cloudwarden.collectors.aws import redshift as redshift_mod
from cloudwarden.core.errors import CollectionError
from cloudwarden.core.model import Asset
from cloudwarden.inventory.snapshot import Inventory

ACCOUNT = "123456789012"
SERVICES = ("rds", "dynamodb", "redshift", "elasticache", "opensearch", "efs", "backup")
CREDS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}
VAULT_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "backup:DeleteRecoveryPoint",
            "Resource": "*",
        }
    ],
}
RECOVERY_POINT = f"arn:aws:backup:us-east-1:{ACCOUNT}:recovery-point:rp-1"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def reply(status: int, body: Any) -> AWSResponse:
    return AWSResponse(
        "http://canned",
        status,
        {"Content-Type": "application/json"},
        _Raw(json.dumps(body).encode()),
    )


def backup_gaps(session: boto3.Session) -> None:
    """Canned replies for the AWS Backup reads moto does not implement."""

    def vault_policy(**_: Any) -> AWSResponse:
        return reply(200, {"BackupVaultName": "cw-vault", "Policy": json.dumps(VAULT_POLICY)})

    def recovery_points(**_: Any) -> AWSResponse:
        return reply(
            200,
            {
                "RecoveryPoints": [
                    {
                        "RecoveryPointArn": RECOVERY_POINT,
                        "BackupVaultName": "cw-vault",
                        "ResourceArn": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/cw-good-table",
                        "ResourceType": "DynamoDB",
                        "Status": "COMPLETED",
                        "IsEncrypted": False,
                        "CreationDate": 1767225600.0,
                    }
                ]
            },
        )

    def selections(**_: Any) -> AWSResponse:
        return reply(200, {"BackupSelectionsList": [
            {"SelectionId": "sel-tables", "SelectionName": "prod-tables",
             "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup"}]})

    def selection(**_: Any) -> AWSResponse:
        return reply(200, {"SelectionId": "sel-tables", "BackupSelection": {
            "SelectionName": "prod-tables", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
            "Resources": [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/*"],
            "NotResources": [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/cw-bad-table"],
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                            "ConditionValue": "daily"}],
            "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/env",
                                             "ConditionValue": "prod"}],
                           "StringNotEquals": [], "StringLike": [], "StringNotLike": []}}})

    session.events.register("before-send.backup.ListBackupSelections", selections)
    session.events.register("before-send.backup.GetBackupSelection", selection)
    session.events.register("before-send.backup.GetBackupVaultAccessPolicy", vault_policy)
    session.events.register("before-send.backup.ListRecoveryPointsByBackupVault", recovery_points)


def seed(c: Any) -> dict[str, Any]:
    kms = c("kms").create_key(Description="data")["KeyMetadata"]["Arn"]
    rds = c("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="cw-pg-tls", DBParameterGroupFamily="postgres16", Description="tls"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="cw-pg-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"},
            {"ParameterName": "work_mem", "ParameterValue": "4096", "ApplyMethod": "immediate"},
        ],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="cw-db-good",
        Engine="postgres",
        EngineVersion="16.3",
        DBInstanceClass="db.t3.micro",
        MasterUsername="cwowner",
        MasterUserPassword="pw-12345678",
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=kms,
        MultiAZ=True,
        DeletionProtection=True,
        EnableIAMDatabaseAuthentication=True,
        BackupRetentionPeriod=7,
        EnableCloudwatchLogsExports=["postgresql", "upgrade"],
        Port=5433,
        CopyTagsToSnapshot=True,
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=True,
        MonitoringInterval=60,
        MonitoringRoleArn="arn:aws:iam::123456789012:role/rds-monitoring",
        DBParameterGroupName="cw-pg-tls",
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="cw-db-bad",
        Engine="mysql",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin",
        MasterUserPassword="pw-12345678",
        AllocatedStorage=20,
        PubliclyAccessible=True,
        BackupRetentionPeriod=0,
        AutoMinorVersionUpgrade=False,
    )
    rds.create_db_snapshot(DBSnapshotIdentifier="cw-snap-public", DBInstanceIdentifier="cw-db-bad")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="cw-snap-public", AttributeName="restore", ValuesToAdd=["all"]
    )
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="cw-cpg",
        DBParameterGroupFamily="aurora-postgresql16",
        Description="aurora tls",
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="cw-cpg",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    rds.create_db_cluster(
        DBClusterIdentifier="cw-aurora",
        Engine="aurora-postgresql",
        MasterUsername="postgres",
        MasterUserPassword="pw-12345678",
        StorageEncrypted=True,
        DeletionProtection=False,
        BackupRetentionPeriod=1,
    )
    rds.create_db_cluster(
        DBClusterIdentifier="cw-aurora-mysql",
        Engine="aurora-mysql",
        MasterUsername="cwowner",
        MasterUserPassword="pw-12345678",
        BacktrackWindow=86400,
    )
    topic = c("sns").create_topic(Name="rds-events")["TopicArn"]
    rds.create_event_subscription(
        SubscriptionName="cw-cluster-events",
        SnsTopicArn=topic,
        SourceType="db-cluster",
        EventCategories=["maintenance", "failure"],
        Enabled=True,
    )
    rds.create_event_subscription(SubscriptionName="cw-all-events", SnsTopicArn=topic,
                                  Enabled=False)
    ec2 = c("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    proxy_subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{n}.0/24",
                                       AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
                     for n, az in ((1, "a"), (2, "b"))]
    auth = [{"AuthScheme": "SECRETS", "IAMAuth": "DISABLED",
             "SecretArn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf"}]
    for name, tls in (("cw-proxy-tls", True), ("cw-proxy-plain", False)):
        rds.create_db_proxy(DBProxyName=name, EngineFamily="POSTGRESQL", Auth=auth,
                            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/proxy",
                            VpcSubnetIds=proxy_subnets, RequireTLS=tls)
    rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="cw-csnap", DBClusterIdentifier="cw-aurora"
    )
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="cw-csnap",
        AttributeName="restore",
        ValuesToAdd=["111122223333"],
    )
    ddb = c("dynamodb")
    schema = dict(
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.create_table(
        TableName="cw-good-table",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms},
        DeletionProtectionEnabled=True,
        Tags=[{"Key": "env", "Value": "prod"}],
        **schema,
    )
    ddb.update_continuous_backups(
        TableName="cw-good-table",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    ddb.create_table(TableName="cw-bad-table", **schema)
    provisioned = dict(schema, BillingMode="PROVISIONED",
                       ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    ddb.create_table(TableName="cw-scaled-table", **provisioned)
    scaling = c("application-autoscaling")
    for dimension in ("ReadCapacityUnits", "WriteCapacityUnits"):
        scaling.register_scalable_target(
            ServiceNamespace="dynamodb",
            ResourceId="table/cw-scaled-table",
            ScalableDimension=f"dynamodb:table:{dimension}",
            MinCapacity=5,
            MaxCapacity=100,
        )
    dax = c("dax")
    dax.create_cluster(
        ClusterName="cw-dax-good",
        NodeType="dax.t3.small",
        ReplicationFactor=1,
        IamRoleArn=f"arn:aws:iam::{ACCOUNT}:role/dax",
        SSESpecification={"Enabled": True},
        ClusterEndpointEncryptionType="TLS",
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    dax.create_cluster(
        ClusterName="cw-dax-bad",
        NodeType="dax.t3.small",
        ReplicationFactor=1,
        IamRoleArn=f"arn:aws:iam::{ACCOUNT}:role/dax",
    )
    rs = c("redshift")
    rs.create_cluster_parameter_group(
        ParameterGroupName="cw-rs-ssl", ParameterGroupFamily="redshift-1.0", Description="ssl"
    )
    rs.create_cluster(
        ClusterIdentifier="cw-rs-good",
        NodeType="ra3.xlplus",
        MasterUsername="cwadmin",
        MasterUserPassword="Passw0rd-1",
        DBName="sales",
        Encrypted=True,
        KmsKeyId=kms,
        PubliclyAccessible=False,
        ClusterParameterGroupName="cw-rs-ssl",
        EnhancedVpcRouting=True,
        AutomatedSnapshotRetentionPeriod=7,
        AllowVersionUpgrade=True,
    )
    rs.enable_logging(ClusterIdentifier="cw-rs-good", BucketName="cw-logs", S3KeyPrefix="rs/")
    rs.create_cluster_subnet_group(ClusterSubnetGroupName="cw-rs-subnets", Description="rs",
                                   SubnetIds=proxy_subnets)
    rs.create_cluster(
        ClusterIdentifier="cw-rs-bad",
        NodeType="ra3.xlplus",
        MasterUsername="awsuser",
        MasterUserPassword="Passw0rd-1",
        PubliclyAccessible=True,
        AllowVersionUpgrade=False,
        AutomatedSnapshotRetentionPeriod=1,
    )
    ec = c("elasticache")
    ec.create_replication_group(
        ReplicationGroupId="cw-redis",
        ReplicationGroupDescription="cache",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        AuthToken="a-long-auth-token-1234",
        AutomaticFailoverEnabled=True,
        SnapshotRetentionLimit=7,
        KmsKeyId=kms,
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    ec.create_cache_cluster(
        CacheClusterId="cw-memcached",
        Engine="memcached",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
    )
    os_ = c("opensearch")
    os_.create_domain(
        DomainName="cw-search-good",
        EngineVersion="OpenSearch_2.11",
        EncryptionAtRestOptions={"Enabled": True, "KmsKeyId": kms},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={
            "EnforceHTTPS": True,
            "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
        },
        AdvancedSecurityOptions={
            "Enabled": True,
            "InternalUserDatabaseEnabled": True,
            "MasterUserOptions": {"MasterUserName": "u", "MasterUserPassword": "Pw-123456"},
        },
        VPCOptions={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        LogPublishingOptions={
            "AUDIT_LOGS": {
                "Enabled": True,
                "CloudWatchLogsLogGroupArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:os-audit",
            }
        },
        ClusterConfig={
            "InstanceType": "r6g.large.search",
            "InstanceCount": 3,
            "DedicatedMasterEnabled": True,
            "DedicatedMasterCount": 3,
            "ZoneAwarenessEnabled": True,
        },
        TagList=[{"Key": "env", "Value": "prod"}],
    )
    os_.create_domain(
        DomainName="cw-search-open",
        EngineVersion="OpenSearch_1.0",
        AccessPolicies=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "es:*",
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    efs = c("efs")
    good = efs.create_file_system(
        CreationToken="good",
        Encrypted=True,
        KmsKeyId=kms,
        Backup=True,
        Tags=[{"Key": "Name", "Value": "cw-fs-good"}],
    )["FileSystemId"]
    bad = efs.create_file_system(CreationToken="bad")["FileSystemId"]
    ap = efs.create_access_point(
        FileSystemId=good,
        PosixUser={"Uid": 1000, "Gid": 1000},
        RootDirectory={"Path": "/app"},
        Tags=[{"Key": "Name", "Value": "cw-ap-app"}],
    )["AccessPointId"]
    ap2 = efs.create_access_point(FileSystemId=bad)["AccessPointId"]
    bk = c("backup")
    vault = bk.create_backup_vault(
        BackupVaultName="cw-vault", EncryptionKeyArn=kms, BackupVaultTags={"env": "prod"}
    )["BackupVaultArn"]
    plan = bk.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "cw-daily",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "cw-vault",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                }
            ],
        }
    )["BackupPlanId"]
    return {
        "kms": kms,
        "efs_good": good,
        "efs_bad": bad,
        "ap": ap,
        "ap2": ap2,
        "vault": vault,
        "plan": plan,
    }


def _reset(endpoint: str) -> None:
    import urllib.request

    req = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def _client(session: boto3.Session, endpoint: str, service: str, region: str = "us-east-1") -> Any:
    return session.client(
        service,
        region_name=region,  # type: ignore[call-overload]
        endpoint_url=endpoint,
    )


@pytest.fixture(scope="module")
def seeded(moto_server: str) -> dict[str, Any]:
    """One seeded account collected once for the module (the slow part)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            mp.setenv(key, value)
        _reset(moto_server)
        session = boto3.Session(region_name="us-east-1", **CREDS)
        ids = seed(partial(_client, session, moto_server))
        backup_gaps(session)
        inv = collect(
            AwsScanOptions(regions=("us-east-1",), services=SERVICES, endpoint_url=moto_server),
            session=session,
        )
    return {"ids": ids, "inv": inv}


def one(inv: Inventory, type_: str, **props: Any) -> dict[str, Any]:
    found = inv.find(type_, **props)
    assert len(found) == 1, (type_, props, [a.ref.id for a in found])
    assert found[0].unknown == {}
    doc: dict[str, Any] = found[0].properties
    return doc


def test_collects_every_data_type_without_errors(seeded: dict[str, Any]) -> None:
    inv: Inventory = seeded["inv"]
    assert inv.errors == []
    registry = default_registry()
    data_types = {
        t
        for t in registry.names()
        if t.split(".")[1]
        in {"rds", "dynamodb", "redshift", "elasticache", "opensearch", "efs", "backup"}
    }
    assert data_types <= set(inv.types())
    for asset in inv:
        if asset.type not in data_types:
            continue
        spec = registry[asset.type]
        top = {n for n in spec.fields if "." not in n and "[]" not in n}
        assert set(asset.properties) == top, asset.ref
        assert asset.ref.id == asset.properties[spec.id_field]
        assert asset.tags == (asset.properties.get("Tags") or {})


def test_rds_instances(seeded: dict[str, Any]) -> None:
    inv, kms = seeded["inv"], seeded["ids"]["kms"]
    good = one(inv, "aws.rds.db_instance", DBInstanceIdentifier="cw-db-good")
    assert good["DBInstanceArn"] == f"arn:aws:rds:us-east-1:{ACCOUNT}:db:cw-db-good"
    assert {
        k: good[k]
        for k in (
            "Engine",
            "MasterUsername",
            "PubliclyAccessible",
            "StorageEncrypted",
            "KmsKeyId",
            "BackupRetentionPeriod",
            "MultiAZ",
            "DeletionProtection",
            "AutoMinorVersionUpgrade",
            "IAMDatabaseAuthenticationEnabled",
            "EnabledCloudwatchLogsExports",
            "MonitoringInterval",
            "CopyTagsToSnapshot",
            "DbInstancePort",
        )
    } == {
        "Engine": "postgres",
        "MasterUsername": "cwowner",
        "PubliclyAccessible": False,
        "StorageEncrypted": True,
        "KmsKeyId": kms,
        "BackupRetentionPeriod": 7,
        "MultiAZ": True,
        "DeletionProtection": True,
        "AutoMinorVersionUpgrade": True,
        "IAMDatabaseAuthenticationEnabled": True,
        "EnabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "MonitoringInterval": 60,
        "CopyTagsToSnapshot": True,
        "DbInstancePort": 5433,
    }
    assert good["Endpoint"]["Port"] == 5433
    assert good["DBParameterGroups"] == [
        {"DBParameterGroupName": "cw-pg-tls", "ParameterApplyStatus": "in-sync"}
    ]
    assert good["Tags"] == {"env": "prod"}
    assert good["InstanceCreateTime"].endswith("+00:00")

    bad = one(inv, "aws.rds.db_instance", DBInstanceIdentifier="cw-db-bad")
    assert (
        bad["PubliclyAccessible"],
        bad["StorageEncrypted"],
        bad["KmsKeyId"],
        bad["BackupRetentionPeriod"],
        bad["AutoMinorVersionUpgrade"],
        bad["EnabledCloudwatchLogsExports"],
        bad["MasterUsername"],
        bad["Endpoint"]["Port"],
    ) == (True, False, None, 0, False, [], "admin", 3306)
    assert bad["DBClusterIdentifier"] is None and bad["Tags"] == {}


def test_rds_clusters_snapshots_and_parameter_groups(seeded: dict[str, Any]) -> None:
    inv = seeded["inv"]
    cluster = one(inv, "aws.rds.db_cluster", DBClusterIdentifier="cw-aurora")
    assert (
        cluster["Engine"],
        cluster["MasterUsername"],
        cluster["StorageEncrypted"],
        cluster["DeletionProtection"],
        cluster["BackupRetentionPeriod"],
    ) == ("aurora-postgresql", "postgres", True, False, 1)
    public = one(inv, "aws.rds.db_snapshot", DBSnapshotIdentifier="cw-snap-public")
    assert public["DBSnapshotAttributes"] == [
        {"AttributeName": "restore", "AttributeValues": ["all"]}
    ]
    assert (public["SnapshotType"], public["Encrypted"]) == ("manual", False)
    automated = [
        a.properties
        for a in inv.of_type("aws.rds.db_snapshot")
        if a.properties["SnapshotType"] == "automated"
    ]
    assert automated and all(a["DBSnapshotAttributes"] == [] for a in automated)
    shared = one(inv, "aws.rds.db_cluster_snapshot", DBClusterSnapshotIdentifier="cw-csnap")
    assert shared["DBClusterSnapshotAttributes"] == [
        {"AttributeName": "restore", "AttributeValues": ["111122223333"]}
    ]
    assert shared["StorageEncrypted"] is True
    tls = one(inv, "aws.rds.db_parameter_group", DBParameterGroupName="cw-pg-tls")
    # only the security-relevant parameters are kept (work_mem is dropped)
    assert [(p["ParameterName"], p["ParameterValue"]) for p in tls["Parameters"]] == [
        ("rds.force_ssl", "1")
    ]
    assert (tls["IsDefault"], tls["DBParameterGroupFamily"]) == (False, "postgres16")
    cpg = one(inv, "aws.rds.db_cluster_parameter_group", DBClusterParameterGroupName="cw-cpg")
    assert cpg["DBClusterParameterGroupArn"] == f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster-pg:cw-cpg"
    assert (cpg["IsDefault"], cpg["DBParameterGroupFamily"]) == (False, "aurora-postgresql16")
    assert [p["ParameterName"] for p in cpg["Parameters"]] == ["rds.force_ssl"]
    default = one(inv, "aws.rds.db_parameter_group", DBParameterGroupName="default.mysql5.6")
    assert (default["IsDefault"], default["Parameters"]) == (True, None)  # not read


def test_rds_backtracking_vpc_and_event_subscriptions(seeded: dict[str, Any]) -> None:
    inv = seeded["inv"]
    mysql = one(inv, "aws.rds.db_cluster", DBClusterIdentifier="cw-aurora-mysql")
    assert (mysql["Engine"], mysql["BacktrackWindow"]) == ("aurora-mysql", 86400)
    assert one(inv, "aws.rds.db_cluster", DBClusterIdentifier="cw-aurora")["BacktrackWindow"] in (
        None, 0)
    # moto places instances created without a subnet group in no VPC
    instance = one(inv, "aws.rds.db_instance", DBInstanceIdentifier="cw-db-good")
    assert "VpcId" in instance
    clusters = one(inv, "aws.rds.event_subscription", CustSubscriptionId="cw-cluster-events")
    arn = f"arn:aws:rds:us-east-1:{ACCOUNT}:es:cw-cluster-events"
    assert clusters["EventSubscriptionArn"] == arn
    assert (clusters["SourceType"], clusters["Enabled"], clusters["SourceIdsList"]) == (
        "db-cluster", True, [])
    assert sorted(clusters["EventCategoriesList"]) == ["failure", "maintenance"]
    assert clusters["SnsTopicArn"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:rds-events"
    every = one(inv, "aws.rds.event_subscription", CustSubscriptionId="cw-all-events")
    assert (every["SourceType"], every["Enabled"], every["EventCategoriesList"]) == (
        None, False, [])


def test_rds_proxies(seeded: dict[str, Any]) -> None:
    inv = seeded["inv"]
    tls = one(inv, "aws.rds.db_proxy", DBProxyName="cw-proxy-tls")
    assert tls["DBProxyArn"].startswith(f"arn:aws:rds:us-east-1:{ACCOUNT}:db-proxy:")
    assert (tls["EngineFamily"], tls["RequireTLS"]) == ("POSTGRESQL", True)
    assert tls["VpcId"]
    assert one(inv, "aws.rds.db_proxy", DBProxyName="cw-proxy-plain")["RequireTLS"] is False


def test_dynamodb_tables(seeded: dict[str, Any]) -> None:
    inv, kms = seeded["inv"], seeded["ids"]["kms"]
    good = one(inv, "aws.dynamodb.table", TableName="cw-good-table")
    assert good["SSEDescription"] == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": kms}
    assert good["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert (good["DeletionProtectionEnabled"], good["BillingMode"], good["Tags"]) == (
        True,
        "PAY_PER_REQUEST",
        {"env": "prod"},
    )
    bad = one(inv, "aws.dynamodb.table", TableName="cw-bad-table")
    assert (bad["SSEDescription"], bad["DeletionProtectionEnabled"]) == (None, False)
    assert bad["PointInTimeRecoveryDescription"] == {
        "PointInTimeRecoveryStatus": "DISABLED",
        "EarliestRestorableDateTime": None,
    }


def test_dynamodb_auto_scaling_and_dax(seeded: dict[str, Any]) -> None:
    inv = seeded["inv"]
    scaled = one(inv, "aws.dynamodb.table", TableName="cw-scaled-table")
    assert (scaled["BillingMode"], scaled["AutoScalingDimensions"]) == (
        "PROVISIONED",
        ["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"],
    )
    assert one(inv, "aws.dynamodb.table", TableName="cw-bad-table")["AutoScalingDimensions"] == []
    good = one(inv, "aws.dynamodb.dax_cluster", ClusterName="cw-dax-good")
    assert good["ClusterArn"] == f"arn:aws:dax:us-east-1:{ACCOUNT}:cache/cw-dax-good"
    assert (good["SSEDescription"], good["ClusterEndpointEncryptionType"], good["Tags"]) == (
        {"Status": "ENABLED"}, "TLS", {"env": "prod"})
    assert (good["NodeType"], good["TotalNodes"]) == ("dax.t3.small", 1)
    bad = one(inv, "aws.dynamodb.dax_cluster", ClusterName="cw-dax-bad")
    assert bad["SSEDescription"] in (None, {"Status": "DISABLED"})
    assert bad["ClusterEndpointEncryptionType"] == "NONE"


def test_table_scaling_keeps_table_dimensions_only() -> None:
    targets = [
        {"ResourceId": "table/t1", "ScalableDimension": "dynamodb:table:ReadCapacityUnits"},
        {"ResourceId": "table/t1/index/gsi", "ScalableDimension":
         "dynamodb:index:ReadCapacityUnits"},
        {"ResourceId": "table/t2", "ScalableDimension": "dynamodb:table:WriteCapacityUnits"},
        {"ResourceId": "keyspace/k/table/t", "ScalableDimension": "cassandra:table:x"},
    ]
    assert dynamodb_mod.table_scaling(targets) == {
        "t1": ["dynamodb:table:ReadCapacityUnits"],
        "t2": ["dynamodb:table:WriteCapacityUnits"],
    }


def test_redshift_clusters(seeded: dict[str, Any]) -> None:
    inv, kms = seeded["inv"], seeded["ids"]["kms"]
    good = one(inv, "aws.redshift.cluster", ClusterIdentifier="cw-rs-good")
    assert good["ClusterArn"] == f"arn:aws:redshift:us-east-1:{ACCOUNT}:cluster:cw-rs-good"
    assert (
        good["PubliclyAccessible"],
        good["Encrypted"],
        good["KmsKeyId"],
        good["EnhancedVpcRouting"],
        good["AutomatedSnapshotRetentionPeriod"],
        good["MasterUsername"],
        good["DBName"],
        good["ClusterParameterGroups"],
    ) == (False, True, kms, True, 7, "cwadmin", "sales", ["cw-rs-ssl"])
    assert good["LoggingStatus"] == {
        "LoggingEnabled": True,
        "BucketName": "cw-logs",
        "LogDestinationType": None,
        "LogExports": [],
    }
    bad = one(inv, "aws.redshift.cluster", ClusterIdentifier="cw-rs-bad")
    assert (
        bad["PubliclyAccessible"],
        bad["Encrypted"],
        bad["MasterUsername"],
        bad["DBName"],
        bad["AllowVersionUpgrade"],
    ) == (True, False, "awsuser", "dev", False)
    assert bad["LoggingStatus"]["LoggingEnabled"] is False
    assert {p["ParameterName"]: p["ParameterValue"] for p in bad["ClusterParameters"]}[
        "require_ssl"
    ] == "false"


def test_elasticache(seeded: dict[str, Any]) -> None:
    inv, kms = seeded["inv"], seeded["ids"]["kms"]
    group = one(inv, "aws.elasticache.replication_group", ReplicationGroupId="cw-redis")
    assert {
        k: group[k]
        for k in (
            "AtRestEncryptionEnabled",
            "TransitEncryptionEnabled",
            "AuthTokenEnabled",
            "AutomaticFailover",
            "SnapshotRetentionLimit",
            "KmsKeyId",
            "Tags",
        )
    } == {
        "AtRestEncryptionEnabled": True,
        "TransitEncryptionEnabled": True,
        "AuthTokenEnabled": True,
        "AutomaticFailover": "enabled",
        "SnapshotRetentionLimit": 7,
        "KmsKeyId": kms,
        "Tags": {"env": "prod"},
    }
    memcached = one(inv, "aws.elasticache.cache_cluster", CacheClusterId="cw-memcached")
    assert (
        memcached["Engine"],
        memcached["SnapshotRetentionLimit"],
        memcached["ReplicationGroupId"],
    ) == ("memcached", 0, None)


def test_opensearch_domains(seeded: dict[str, Any]) -> None:
    inv = seeded["inv"]
    good = one(inv, "aws.opensearch.domain", DomainName="cw-search-good")
    assert good["EncryptionAtRestOptions"]["Enabled"] is True
    assert good["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    assert good["DomainEndpointOptions"] == {
        "EnforceHTTPS": True,
        "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
    }
    assert good["AdvancedSecurityOptions"]["Enabled"] is True
    assert good["LogPublishingOptions"]["AUDIT_LOGS"]["Enabled"] is True
    assert good["ClusterConfig"]["InstanceCount"] == 3 and good["Tags"] == {"env": "prod"}
    assert good["AccessPolicies"] is None
    open_ = one(inv, "aws.opensearch.domain", DomainName="cw-search-open")
    assert open_["AccessPolicies"]["Statement"][0]["Principal"] == {"AWS": "*"}
    assert (
        open_["EncryptionAtRestOptions"]["Enabled"],
        open_["LogPublishingOptions"],
        open_["DomainEndpointOptions"]["EnforceHTTPS"],
    ) == (False, {}, False)


def test_efs(seeded: dict[str, Any]) -> None:
    inv, ids = seeded["inv"], seeded["ids"]
    good = one(inv, "aws.efs.file_system", FileSystemId=ids["efs_good"])
    assert (
        good["Encrypted"],
        good["KmsKeyId"],
        good["BackupPolicy"],
        good["Name"],
        good["FileSystemPolicy"],
        good["MountTargets"],
    ) == (True, ids["kms"], {"Status": "ENABLED"}, "cw-fs-good", None, [])
    bad = one(inv, "aws.efs.file_system", FileSystemId=ids["efs_bad"])
    assert (bad["Encrypted"], bad["BackupPolicy"], bad["Name"]) == (
        False,
        {"Status": "DISABLED"},
        None,
    )
    app = one(inv, "aws.efs.access_point", AccessPointId=ids["ap"])
    assert app["PosixUser"] == {"Uid": 1000, "Gid": 1000, "SecondaryGids": []}
    assert app["RootDirectory"] == {"Path": "/app"}
    root = one(inv, "aws.efs.access_point", AccessPointId=ids["ap2"])
    assert (root["PosixUser"], root["RootDirectory"]) == (None, {"Path": "/"})


def test_backup(seeded: dict[str, Any]) -> None:
    inv, ids = seeded["inv"], seeded["ids"]
    vault = one(inv, "aws.backup.vault", BackupVaultName="cw-vault")
    assert (
        vault["BackupVaultArn"],
        vault["EncryptionKeyArn"],
        vault["AccessPolicy"],
        vault["Locked"],
        vault["Tags"],
    ) == (ids["vault"], ids["kms"], VAULT_POLICY, False, {"env": "prod"})
    plan = one(inv, "aws.backup.plan", BackupPlanId=ids["plan"])
    assert plan["Rules"] == [
        {
            "RuleName": "daily",
            "TargetBackupVaultName": "cw-vault",
            "ScheduleExpression": "cron(0 5 * * ? *)",
            "Lifecycle": {"DeleteAfterDays": 35, "MoveToColdStorageAfterDays": None},
        }
    ]
    assert plan["Selections"] == [{
        "SelectionId": "sel-tables", "SelectionName": "prod-tables",
        "Resources": [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/*"],
        "NotResources": [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/cw-bad-table"],
        "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                        "ConditionValue": "daily"}],
        "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/env",
                                         "ConditionValue": "prod"}],
                       "StringNotEquals": [], "StringLike": [], "StringNotLike": []}}]
    point = one(inv, "aws.backup.recovery_point", RecoveryPointArn=RECOVERY_POINT)
    assert (point["IsEncrypted"], point["ResourceType"], point["CreationDate"]) == (
        False,
        "DynamoDB",
        "2026-01-01T00:00:00+00:00",
    )


def test_denied_call_is_one_error_and_an_unknown_field(aws_endpoint: str) -> None:
    session = boto3.Session(region_name="us-east-1", **CREDS)
    ddb = _client(session, aws_endpoint, "dynamodb")
    for name in ("cw-open", "cw-denied"):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )

    def deny(request: Any, **_: Any) -> AWSResponse | None:
        if b"cw-denied" in (request.body or b""):
            return reply(
                400,
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#AccessDeniedException",
                    "message": "denied",
                },
            )
        return None

    session.events.register("before-send.dynamodb.DescribeContinuousBackups", deny)
    inv = collect(
        AwsScanOptions(regions=("us-east-1",), services=("dynamodb",), endpoint_url=aws_endpoint),
        session=session,
    )

    assert inv.errors == [
        CollectionError(
            "aws",
            ACCOUNT,
            "us-east-1",
            "dynamodb",
            "DescribeContinuousBackups",
            "AccessDeniedException: denied",
        )
    ]
    denied: Asset = inv.find("aws.dynamodb.table", TableName="cw-denied")[0]
    reason = "DescribeContinuousBackups: AccessDeniedException"
    assert denied.unknown == {
        "ContinuousBackupsStatus": reason,
        "PointInTimeRecoveryDescription": reason,
    }
    assert denied.properties["PointInTimeRecoveryDescription"] is None
    assert denied.properties["Tags"] == {}  # the other calls went through
    assert inv.find("aws.dynamodb.table", TableName="cw-open")[0].unknown == {}


# -- the pure normalize functions ---------------------------------------------------------------


def test_normalize_rds_parameters_keeps_security_ones_sorted() -> None:
    raw = [
        {"ParameterName": "work_mem", "ParameterValue": "4"},
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "Source": "user"},
        {"ParameterName": "log_connections", "ParameterValue": "1", "Source": "user"},
    ]
    assert rds_mod.normalize_parameters(raw) == [
        {"ParameterName": "log_connections", "ParameterValue": "1", "Source": "user"},
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "Source": "user"},
    ]
    assert rds_mod.normalize_parameters(None) is None
    assert rds_mod.normalize_attributes([{"AttributeName": "restore"}]) == [
        {"AttributeName": "restore", "AttributeValues": []}
    ]


def test_normalize_rds_instance_minimal() -> None:
    doc = rds_mod.normalize_instance(
        {"DBInstanceIdentifier": "d", "DBInstanceArn": "arn:aws:rds:r:a:db:d"}
    )
    assert doc["Endpoint"] is None and doc["EnabledCloudwatchLogsExports"] == []
    assert doc["Tags"] == {} and doc["VpcSecurityGroups"] == []


def test_normalize_dynamodb_table_defaults() -> None:
    doc = dynamodb_mod.normalize_table(
        {"TableName": "t", "TableArn": "arn:t", "CreationDateTime": "2026-01-01T00:00:00Z"},
        backups=None,
        tags=None,
    )
    assert (
        doc["BillingMode"],
        doc["SSEDescription"],
        doc["DeletionProtectionEnabled"],
        doc["PointInTimeRecoveryDescription"],
        doc["Tags"],
        doc["CreationDateTime"],
    ) == ("PROVISIONED", None, False, None, None, "2026-01-01T00:00:00+00:00")


def test_normalize_redshift_multi_az() -> None:
    # moto does not report MultiAZ: the value AWS returns is checked on the pure normalize step
    doc = redshift_mod.normalize_cluster(
        {"ClusterIdentifier": "c", "NodeType": "ra3.xlplus", "MultiAZ": "Enabled"},
        "arn:c", logging=None, parameters=None)
    assert doc["MultiAZ"] == "Enabled"
    assert redshift_mod.normalize_cluster({"ClusterIdentifier": "c"}, "arn:c", logging=None,
                                          parameters=None)["MultiAZ"] is None


def test_normalize_redshift_logging_blanks_are_null() -> None:
    doc = redshift_mod.normalize_cluster(
        {"ClusterIdentifier": "c"},
        "arn:c",
        logging={"LoggingEnabled": False, "BucketName": "", "LogDestinationType": ""},
        parameters=[
            {"ParameterName": "require_ssl", "ParameterValue": "true"},
            {"ParameterName": "datestyle", "ParameterValue": "ISO"},
        ],
    )
    assert doc["LoggingStatus"] == {
        "LoggingEnabled": False,
        "BucketName": None,
        "LogDestinationType": None,
        "LogExports": [],
    }
    assert doc["ClusterParameters"] == [
        {"ParameterName": "require_ssl", "ParameterValue": "true", "Source": None}
    ]


def test_normalize_opensearch_policy_text_and_public_domain() -> None:
    doc = opensearch_mod.normalize_domain(
        {
            "DomainName": "d",
            "ARN": "arn:d",
            "AccessPolicies": json.dumps(VAULT_POLICY),
            "VPCOptions": {"VPCId": ""},
        },
        tags=[],
    )
    assert doc["AccessPolicies"] == VAULT_POLICY
    assert doc["VPCOptions"] is None and doc["LogPublishingOptions"] == {}


def test_normalize_efs_and_backup() -> None:
    fs = efs_mod.normalize_file_system(
        {"FileSystemId": "fs", "FileSystemArn": "arn:fs", "Name": ""},
        backup={},
        policy={},
        mount_targets=None,
    )
    assert (fs["BackupPolicy"], fs["FileSystemPolicy"], fs["MountTargets"], fs["Name"]) == (
        {"Status": "DISABLED"},
        None,
        None,
        None,
    )
    ap = efs_mod.normalize_access_point({"AccessPointId": "a", "AccessPointArn": "arn:a"})
    assert (ap["PosixUser"], ap["RootDirectory"]) == (None, None)
    plan = backup_mod.normalize_plan({"BackupPlanId": "p", "BackupPlanArn": "arn:p"}, None)
    assert (plan["Rules"], plan["Selections"]) == (None, [])
    unread = backup_mod.normalize_plan({"BackupPlanId": "p", "BackupPlanArn": "arn:p"}, None, None)
    assert unread["Selections"] is None
    bare = backup_mod.normalize_selection("s", {"SelectionName": "all",
                                                "Resources": ["*"], "Conditions": {}})
    assert (bare["Resources"], bare["ListOfTags"], bare["Conditions"]) == (["*"], [], None)
    vault = backup_mod.normalize_vault(
        {"BackupVaultName": "v", "BackupVaultArn": "arn:v"}, policy={}, tags={}
    )
    assert (vault["AccessPolicy"], vault["Locked"], vault["Tags"]) == (None, False, {})
