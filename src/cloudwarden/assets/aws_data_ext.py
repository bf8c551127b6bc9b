"""More canonical shapes of AWS data asset types (see `aws.py` for the conventions): RDS event
subscriptions, RDS proxies, DynamoDB Accelerator (DAX) clusters and Redshift cluster subnet groups.
Listed in `aws_data.ALL`.
"""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType, F

RDS_EVENT_SUBSCRIPTION = AssetType(
    name="aws.rds.event_subscription",
    provider="aws",
    title="RDS event notification subscription",
    id_field="EventSubscriptionArn",
    fields={
        "CustSubscriptionId": F("str", "subscription name", nullable=False),
        "EventSubscriptionArn": F("str", "ARN", nullable=False),
        "SnsTopicArn": F("str", "SNS topic the events are published to"),
        "Status": F("str", "active, no-permission, topic-not-exist, creating, ..."),
        "Enabled": F("bool", "the subscription sends notifications"),
        "SourceType": F("str", "db-instance, db-cluster, db-parameter-group, db-security-group, "
                        "db-snapshot, db-cluster-snapshot, db-proxy, ...; null = every source "
                        "type"),
        "SourceIdsList": F("list[str]", "the sources subscribed to; empty = every source of the "
                           "source type"),
        "EventCategoriesList": F("list[str]", "event categories subscribed to (availability, "
                                 "failure, maintenance, configuration change, ...); empty = "
                                 "every category"),
        "SubscriptionCreationTime": F("datetime", "creation time"),
    },
)

DAX_CLUSTER = AssetType(
    name="aws.dynamodb.dax_cluster",
    provider="aws",
    title="DynamoDB Accelerator (DAX) cluster",
    id_field="ClusterArn",
    fields={
        "ClusterName": F("str", "cluster name", nullable=False),
        "ClusterArn": F("str", "ARN", nullable=False),
        "Status": F("str", "available, creating, ..."),
        "NodeType": F("str", "e.g. dax.r5.large"),
        "TotalNodes": F("int", "nodes in the cluster"),
        "SSEDescription": F("dict", "{Status} of encryption at rest"),
        "SSEDescription.Status": F("str", "ENABLED, ENABLING, DISABLED, DISABLING"),
        "ClusterEndpointEncryptionType": F("str", "TLS or NONE: encryption of client "
                                           "connections to the cluster endpoint"),
        "SubnetGroup": F("str", "subnet group name"),
        "SecurityGroups": F("list[str]", "VPC security group ids"),
        "IamRoleArn": F("str", "role DAX assumes to reach DynamoDB"),
        "Tags": F("dict", "tags as a key -> value mapping"),
    },
)

RDS_DB_PROXY = AssetType(
    name="aws.rds.db_proxy",
    provider="aws",
    title="RDS Proxy",
    id_field="DBProxyArn",
    fields={
        "DBProxyName": F("str", "proxy name", nullable=False),
        "DBProxyArn": F("str", "ARN", nullable=False),
        "Status": F("str", "available, creating, ..."),
        "EngineFamily": F("str", "MYSQL, POSTGRESQL or SQLSERVER"),
        "RequireTLS": F("bool", "the proxy refuses connections without TLS"),
        "VpcId": F("str", "VPC of the proxy"),
        "VpcSecurityGroupIds": F("list[str]", "security groups"),
        "DebugLogging": F("bool", "detailed SQL statements are logged"),
        "CreatedDate": F("datetime", "creation time"),
    },
)

REDSHIFT_CLUSTER_SUBNET_GROUP = AssetType(
    name="aws.redshift.cluster_subnet_group",
    provider="aws",
    title="Redshift cluster subnet group",
    id_field="Arn",
    fields={
        "ClusterSubnetGroupName": F("str", "subnet group name", nullable=False),
        "Arn": F("str", "arn:aws:redshift:region:account:subnetgroup:name", nullable=False),
        "Description": F("str", "description"),
        "VpcId": F("str", "VPC of the subnets"),
        "SubnetGroupStatus": F("str", "Complete, Incomplete or Invalid"),
        "Subnets": F("list", "[{SubnetIdentifier, AvailabilityZone, SubnetStatus}]"),
        "Subnets[].SubnetIdentifier": F("str", "subnet id"),
        "Subnets[].AvailabilityZone": F("str", "Availability Zone of the subnet"),
        "Subnets[].SubnetStatus": F("str", "Active, ..."),
        "AvailabilityZones": F("list[str]", "the distinct Availability Zones of the subnets, "
                               "sorted"),
        "Tags": F("dict", "tags as a key -> value mapping"),
    },
)

ALL: tuple[AssetType, ...] = (RDS_EVENT_SUBSCRIPTION, DAX_CLUSTER, RDS_DB_PROXY,
                              REDSHIFT_CLUSTER_SUBNET_GROUP)
