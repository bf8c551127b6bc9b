"""More canonical shapes of AWS network asset types (see `aws.py` for the conventions): Elastic
IP addresses, Site-to-Site VPN connections, Client VPN endpoints, network interfaces and the VPC
Block Public Access options of a region. Listed in `aws_network.ALL`.
"""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")

EC2_ELASTIC_IP = AssetType(
    name="aws.ec2.elastic_ip",
    provider="aws",
    title="EC2 Elastic IP address",
    id_field="Arn",
    fields={
        "AllocationId": F("str", "allocation id (eipalloc-...)", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:elastic-ip/allocation-id", nullable=False),
        "PublicIp": F("str", "the public IPv4 address"),
        "Domain": F("str", "vpc (EC2-Classic addresses are gone)"),
        "AssociationId": F("str", "association with an instance or network interface, null "
                           "when the address is not in use"),
        "InstanceId": F("str", "instance the address is associated with, null when none"),
        "NetworkInterfaceId": F("str", "network interface the address is associated with, null "
                                "when none"),
        "Tags": _TAGS,
    },
)

EC2_VPN_CONNECTION = AssetType(
    name="aws.ec2.vpn_connection",
    provider="aws",
    title="EC2 Site-to-Site VPN connection",
    id_field="Arn",
    fields={
        "VpnConnectionId": F("str", "vpn-... id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:vpn-connection/id", nullable=False),
        "State": F("str", "pending, available, deleting, deleted"),
        "Type": F("str", "ipsec.1"),
        "VpnGatewayId": F("str", "virtual private gateway, null when attached to a transit "
                          "gateway"),
        "TransitGatewayId": F("str", "transit gateway, null when attached to a virtual private "
                              "gateway"),
        "VgwTelemetry": F("list", "[{OutsideIpAddress, Status}] one entry per tunnel"),
        "VgwTelemetry[].OutsideIpAddress": F("str", "AWS side address of the tunnel"),
        "VgwTelemetry[].Status": F("str", "UP or DOWN"),
        "TunnelOptions": F("list", "[{OutsideIpAddress, CloudWatchLogEnabled}] per tunnel"),
        "TunnelOptions[].OutsideIpAddress": F("str", "AWS side address of the tunnel"),
        "TunnelOptions[].CloudWatchLogEnabled": F("bool", "tunnel activity is logged to "
                                                  "CloudWatch Logs"),
        "Tags": _TAGS,
    },
)

EC2_CLIENT_VPN_ENDPOINT = AssetType(
    name="aws.ec2.client_vpn_endpoint",
    provider="aws",
    title="EC2 Client VPN endpoint",
    id_field="Arn",
    fields={
        "ClientVpnEndpointId": F("str", "cvpn-endpoint-... id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:client-vpn-endpoint/id", nullable=False),
        "Status": F("str", "pending-associate, available, deleting, deleted"),
        "VpcId": F("str", "VPC of the endpoint"),
        "ConnectionLogOptions": F("dict", "{Enabled, CloudwatchLogGroup, CloudwatchLogStream}"),
        "ConnectionLogOptions.Enabled": F("bool", "client connections are logged"),
        "ConnectionLogOptions.CloudwatchLogGroup": F("str", "log group, null when off"),
        "Tags": _TAGS,
    },
)

EC2_NETWORK_INTERFACE = AssetType(
    name="aws.ec2.network_interface",
    provider="aws",
    title="EC2 network interface",
    id_field="Arn",
    fields={
        "NetworkInterfaceId": F("str", "eni-... id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:network-interface/id", nullable=False),
        "InterfaceType": F("str", "interface, efa, branch, lambda, nat_gateway, vpc_endpoint, "
                           "load_balancer, ..."),
        "Status": F("str", "available, in-use, attaching, detaching, associated"),
        "SourceDestCheck": F("bool", "EC2 drops traffic the interface neither sends nor receives "
                             "for itself; null when the answer leaves it out"),
        "RequesterManaged": F("bool", "an AWS service created and manages the interface"),
        "RequesterId": F("str", "the service or account that created the interface"),
        "VpcId": F("str", "VPC"),
        "SubnetId": F("str", "subnet"),
        "AvailabilityZone": F("str", "Availability Zone"),
        "PrivateIpAddress": F("str", "primary private IPv4 address"),
        "PublicIp": F("str", "associated public IPv4 address, null when none"),
        "AttachedInstanceId": F("str", "instance the interface is attached to, null when none"),
        "Groups": F("list[str]", "security group ids"),
        "Description": F("str", "description"),
        "Tags": _TAGS,
    },
)

EC2_VPC_BLOCK_PUBLIC_ACCESS = AssetType(
    name="aws.ec2.vpc_block_public_access",
    provider="aws",
    title="VPC Block Public Access options of one region",
    id_field="Arn",
    scope="region",
    fields={
        "Region": F("str", "region", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:vpc-block-public-access-options",
                 nullable=False),
        "State": F("str", "default-state, update-in-progress, update-complete"),
        "InternetGatewayBlockMode": F("str", "off, block-bidirectional or block-ingress"),
        "ExclusionsAllowed": F("str", "allowed or not-allowed: whether VPCs and subnets may be "
                               "excluded"),
        "ManagedBy": F("str", "account or declarative-policy"),
        "LastUpdateTimestamp": F("datetime", "last change, null when never set"),
    },
)

ALL: tuple[AssetType, ...] = (EC2_ELASTIC_IP, EC2_VPN_CONNECTION, EC2_CLIENT_VPN_ENDPOINT,
                              EC2_NETWORK_INTERFACE, EC2_VPC_BLOCK_PUBLIC_ACCESS)
