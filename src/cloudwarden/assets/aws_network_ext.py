"""More canonical shapes of AWS network asset types (see `aws.py` for the conventions): Elastic
IP addresses, Site-to-Site VPN connections and Client VPN endpoints. Listed in `aws_network.ALL`.
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

ALL: tuple[AssetType, ...] = (EC2_ELASTIC_IP, EC2_VPN_CONNECTION, EC2_CLIENT_VPN_ENDPOINT)
