"""Canonical document shapes of AWS asset types, declared once.

Field names follow the AWS API's own names (so a rule reads like the API reference), merged
across the calls that describe one resource. Timestamps are ISO-8601 text in UTC. A field whose
call failed or whose feature is not configured is null (absent configuration) - the collector
never guesses and never judges. Policies are parsed JSON documents.

Asset ids are ARNs where AWS has one; region-scoped settings use
`arn:aws:<service>:<region>:<account>:settings`; the account asset's id is its 12-digit
`AccountId` (e.g. `111122223333`), not an ARN.

Sub-fields of dicts and lists are declared too (`[]` marks list elements), exactly as the
collector fills them, so that a declarative `match` can read them (the catalog lint refuses
undeclared paths). A sub-field adds nothing to the top level of the document.
"""

from __future__ import annotations

from cloudwarden.assets.schema import AssetType, F

_TAGS = F("dict", "tags as a key -> value mapping")
_PAB = {
    "BlockPublicAcls": F("bool", "new public ACLs are refused"),
    "IgnorePublicAcls": F("bool", "existing public ACLs are ignored"),
    "BlockPublicPolicy": F("bool", "new public bucket policies are refused"),
    "RestrictPublicBuckets": F("bool", "public policies grant nothing to other accounts"),
}

#: Managed and inline policies of a user, role or group.
_POLICIES = {
    "AttachedPolicies": F("list", "managed policies attached: [{PolicyName, PolicyArn}]"),
    "AttachedPolicies[].PolicyName": F("str", "policy name"),
    "AttachedPolicies[].PolicyArn": F("str", "policy ARN; AWS managed ones are "
                                      "arn:<partition>:iam::aws:policy/..."),
    "InlinePolicies": F("list", "inline policies: [{PolicyName, PolicyDocument (json)}]"),
    "InlinePolicies[].PolicyName": F("str", "policy name"),
    "InlinePolicies[].PolicyDocument": F("json", "the policy document"),
}


def _sub(prefix: str, fields: dict[str, F]) -> dict[str, F]:
    """`fields` declared below `prefix` (e.g. `PublicAccessBlock.` or `IpPermissions[].`)."""
    return {prefix + name: spec for name, spec in fields.items()}

ACCOUNT = AssetType(
    name="aws.account",
    provider="aws",
    title="AWS account",
    id_field="AccountId",
    scope="account",
    fields={
        "AccountId": F("str", "12-digit account id", nullable=False),
        "PasswordPolicy": F("dict", "IAM GetAccountPasswordPolicy result, null when none is set"),
        "PasswordPolicy.MinimumPasswordLength": F("int", "minimum password length"),
        "PasswordPolicy.RequireSymbols": F("bool", "symbols required"),
        "PasswordPolicy.RequireNumbers": F("bool", "numbers required"),
        "PasswordPolicy.RequireUppercaseCharacters": F("bool", "upper case required"),
        "PasswordPolicy.RequireLowercaseCharacters": F("bool", "lower case required"),
        "PasswordPolicy.AllowUsersToChangePassword": F("bool", "users may change password"),
        "PasswordPolicy.ExpirePasswords": F("bool", "passwords expire"),
        "PasswordPolicy.MaxPasswordAge": F("int", "days before a password expires"),
        "PasswordPolicy.PasswordReusePrevention": F("int", "previous passwords remembered"),
        "PasswordPolicy.HardExpiry": F("bool", "expired passwords need an admin reset"),
        "AccountSummary": F("dict", "IAM GetAccountSummary SummaryMap (AccountMFAEnabled, "
                            "AccountAccessKeysPresent, Users, ...)"),
        "Root": F("dict", "root user's row of the IAM credential report"),
        "Root.PasswordLastUsed": F("datetime", "root console sign-in last used, null if never"),
        "Root.MfaActive": F("bool", "root has an MFA device"),
        "Root.HardwareMfa": F("bool", "root MFA is a hardware device (no virtual MFA serial "
                              "for the root user); null when unknown"),
        "Root.AccessKey1Active": F("bool", "root access key 1 active"),
        "Root.AccessKey2Active": F("bool", "root access key 2 active"),
        "Root.AccessKey1LastUsedDate": F("datetime", "root key 1 last used"),
        "Root.AccessKey2LastUsedDate": F("datetime", "root key 2 last used"),
        "S3PublicAccessBlock": F("dict", "s3control GetPublicAccessBlock for the account, null "
                                 "when not configured: {BlockPublicAcls, IgnorePublicAcls, "
                                 "BlockPublicPolicy, RestrictPublicBuckets}"),
        **_sub("S3PublicAccessBlock.", _PAB),
        "SecurityContact": F("dict", "account alternate contact SECURITY, null when none"),
        "SecurityContact.Name": F("str", "contact name"),
        "SecurityContact.Title": F("str", "contact title"),
        "SecurityContact.EmailAddress": F("str", "contact e-mail address"),
        "SecurityContact.PhoneNumber": F("str", "contact phone number"),
        "Regions": F("list[str]", "regions that were scanned for this account"),
    },
)

IAM_USER = AssetType(
    name="aws.iam.user",
    provider="aws",
    title="IAM user",
    id_field="Arn",
    fields={
        "UserName": F("str", "user name", nullable=False),
        "UserId": F("str", "unique id"),
        "Arn": F("str", "ARN", nullable=False),
        "Path": F("str", "IAM path"),
        "CreateDate": F("datetime", "creation time"),
        "PasswordEnabled": F("bool", "has a console password (credential report)"),
        "PasswordLastUsed": F("datetime", "last console sign-in, null if never"),
        "PasswordLastChanged": F("datetime", "password last changed"),
        "MfaActive": F("bool", "has an MFA device (credential report)"),
        "MFADevices": F("list", "[{SerialNumber, EnableDate}]"),
        "MFADevices[].SerialNumber": F("str", "device serial number or virtual device ARN"),
        "MFADevices[].EnableDate": F("datetime", "when the device was enabled"),
        "AccessKeys": F("list", "access keys"),
        "AccessKeys[].AccessKeyId": F("str", "key id"),
        "AccessKeys[].Status": F("str", "Active or Inactive"),
        "AccessKeys[].CreateDate": F("datetime", "created (rotated) at"),
        "AccessKeys[].LastUsedDate": F("datetime", "last used, null if never"),
        **_POLICIES,
        "Groups": F("list[str]", "names of the groups the user is in"),
        "Tags": _TAGS,
    },
)

IAM_ROLE = AssetType(
    name="aws.iam.role",
    provider="aws",
    title="IAM role",
    id_field="Arn",
    fields={
        "RoleName": F("str", "role name", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "Path": F("str", "IAM path"),
        "CreateDate": F("datetime", "creation time"),
        "AssumeRolePolicyDocument": F("json", "trust policy"),
        "MaxSessionDuration": F("int", "seconds"),
        "RoleLastUsed": F("dict", "{LastUsedDate, Region}, null when unknown"),
        "RoleLastUsed.LastUsedDate": F("datetime", "last used, null if never (in the window)"),
        "RoleLastUsed.Region": F("str", "region of the last use"),
        **_POLICIES,
        "Tags": _TAGS,
    },
)

IAM_GROUP = AssetType(
    name="aws.iam.group",
    provider="aws",
    title="IAM group",
    id_field="Arn",
    fields={
        "GroupName": F("str", "group name", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "Path": F("str", "IAM path"),
        "CreateDate": F("datetime", "creation time"),
        "Users": F("list[str]", "member user names"),
        **_POLICIES,
    },
)

IAM_POLICY = AssetType(
    name="aws.iam.policy",
    provider="aws",
    title="IAM managed policy",
    id_field="Arn",
    fields={
        "PolicyName": F("str", "policy name", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "AwsManaged": F("bool", "true for AWS managed policies (arn:aws:iam::aws:...)"),
        "AttachmentCount": F("int", "entities the policy is attached to"),
        "AttachedUsers": F("list[str]", "user names it is attached to"),
        "AttachedRoles": F("list[str]", "role names it is attached to"),
        "AttachedGroups": F("list[str]", "group names it is attached to"),
        "DefaultVersionId": F("str", "default version"),
        "Document": F("json", "the default version's policy document"),
        "CreateDate": F("datetime", "creation time"),
        "UpdateDate": F("datetime", "last update"),
    },
)

IAM_SERVER_CERTIFICATE = AssetType(
    name="aws.iam.server_certificate",
    provider="aws",
    title="IAM server certificate",
    id_field="Arn",
    fields={
        "ServerCertificateName": F("str", "name", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "UploadDate": F("datetime", "uploaded at"),
        "Expiration": F("datetime", "expires at"),
    },
)

S3_BUCKET = AssetType(
    name="aws.s3.bucket",
    provider="aws",
    title="S3 bucket",
    id_field="Arn",
    fields={
        "Name": F("str", "bucket name", nullable=False),
        "Arn": F("str", "arn:aws:s3:::name", nullable=False),
        "Region": F("str", "bucket region"),
        "CreationDate": F("datetime", "creation time"),
        "Acl": F("dict", "GetBucketAcl result {Owner, Grants}"),
        "Acl.Owner": F("dict", "{ID, DisplayName}"),
        "Acl.Owner.ID": F("str", "owner canonical user id"),
        "Acl.Owner.DisplayName": F("str", "owner display name"),
        "Acl.Grants": F("list", "[{Grantee: {Type, URI, ID, EmailAddress}, Permission}]"),
        "Acl.Grants[].Grantee": F("dict", "{Type: CanonicalUser|Group|AmazonCustomerByEmail, "
                                  "URI, ID}"),
        "Acl.Grants[].Grantee.Type": F("str", "CanonicalUser, Group or AmazonCustomerByEmail"),
        "Acl.Grants[].Grantee.URI": F("str", "group URI (AllUsers, AuthenticatedUsers, ...)"),
        "Acl.Grants[].Grantee.ID": F("str", "canonical user id"),
        "Acl.Grants[].Grantee.EmailAddress": F("str", "e-mail of the grantee"),
        "Acl.Grants[].Permission": F("str", "READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL"),
        "Policy": F("json", "bucket policy document, null when none"),
        "PublicAccessBlock": F("dict", "bucket-level public access block, null when none: "
                               "{BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, "
                               "RestrictPublicBuckets}"),
        **_sub("PublicAccessBlock.", _PAB),
        "Encryption": F("dict", "default encryption {Rules: [{ApplyServerSideEncryptionByDefault:"
                        " {SSEAlgorithm, KMSMasterKeyID}, BucketKeyEnabled}]}, null when none"),
        "Encryption.Rules": F("list", "encryption rules (one in practice)"),
        "Encryption.Rules[].ApplyServerSideEncryptionByDefault": F(
            "dict", "{SSEAlgorithm, KMSMasterKeyID}"),
        "Encryption.Rules[].ApplyServerSideEncryptionByDefault.SSEAlgorithm": F(
            "str", "AES256, aws:kms or aws:kms:dsse"),
        "Encryption.Rules[].ApplyServerSideEncryptionByDefault.KMSMasterKeyID": F(
            "str", "KMS key id or ARN, null for AES256 or the AWS managed key"),
        "Encryption.Rules[].BucketKeyEnabled": F("bool", "S3 Bucket Key in use"),
        "Versioning": F("dict", "{Status: Enabled|Suspended|null, "
                        "MFADelete: Enabled|Disabled|null}"),
        "Versioning.Status": F("str", "Enabled, Suspended, or null when never enabled"),
        "Versioning.MFADelete": F("str", "Enabled, Disabled, or null when never configured"),
        "Logging": F("dict", "server access logging {TargetBucket, TargetPrefix}, null when off"),
        "Logging.TargetBucket": F("str", "bucket receiving the access logs"),
        "Logging.TargetPrefix": F("str", "key prefix of the access logs"),
        "ObjectLockEnabled": F("bool", "object lock enabled"),
        "OwnershipControls": F("str", "ObjectOwnership: BucketOwnerEnforced, ... null if unset"),
        "Tags": _TAGS,
    },
)

S3_ACCESS_POINT = AssetType(
    name="aws.s3.access_point",
    provider="aws",
    title="S3 access point",
    id_field="AccessPointArn",
    fields={
        "Name": F("str", "access point name", nullable=False),
        "AccessPointArn": F("str", "arn:aws:s3:region:account:accesspoint/name", nullable=False),
        "Alias": F("str", "bucket-style alias of the access point"),
        "Bucket": F("str", "bucket the access point serves"),
        "BucketAccountId": F("str", "account owning the bucket"),
        "NetworkOrigin": F("str", "Internet or VPC"),
        "VpcId": F("str", "VPC the access point is restricted to, null for Internet"),
        "PublicAccessBlockConfiguration": F(
            "dict", "the access point's own public access block {BlockPublicAcls, "
            "IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets} (set at creation, "
            "never changed), null when unknown"),
        **_sub("PublicAccessBlockConfiguration.", _PAB),
        "CreationDate": F("datetime", "created at"),
    },
)

S3_MULTI_REGION_ACCESS_POINT = AssetType(
    name="aws.s3.multi_region_access_point",
    provider="aws",
    title="S3 Multi-Region Access Point",
    id_field="Arn",
    fields={
        "Name": F("str", "name", nullable=False),
        "Alias": F("str", "alias, e.g. mfzwi23gnjvgw.mrap"),
        "Arn": F("str", "arn:aws:s3::account:accesspoint/alias", nullable=False),
        "Status": F("str", "READY, INCONSISTENT_ACROSS_REGIONS, CREATING, PARTIALLY_CREATED, "
                    "PARTIALLY_DELETED, DELETING"),
        "PublicAccessBlock": F("dict", "the access point's public access block {BlockPublicAcls, "
                               "IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets} "
                               "(set at creation, never changed)"),
        **_sub("PublicAccessBlock.", _PAB),
        "Regions": F("list", "[{Bucket, Region}] the buckets it routes to"),
        "Regions[].Bucket": F("str", "bucket name"),
        "Regions[].Region": F("str", "bucket region"),
        "CreatedAt": F("datetime", "created at"),
    },
)

EC2_INSTANCE = AssetType(
    name="aws.ec2.instance",
    provider="aws",
    title="EC2 instance",
    id_field="Arn",
    fields={
        "InstanceId": F("str", "instance id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:instance/id", nullable=False),
        "State": F("str", "pending, running, stopping, stopped, terminated", nullable=False),
        "InstanceType": F("str", "instance type"),
        "ImageId": F("str", "AMI id"),
        "VpcId": F("str", "VPC id"),
        "SubnetId": F("str", "subnet id"),
        "PublicIpAddress": F("str", "public IPv4 address, null when none"),
        "PrivateIpAddress": F("str", "private IPv4 address"),
        "IamInstanceProfile": F("dict", "{Arn, Id}, null when none"),
        "IamInstanceProfile.Arn": F("str", "instance profile ARN"),
        "IamInstanceProfile.Id": F("str", "instance profile id"),
        "MetadataOptions": F("dict", "{HttpTokens: optional|required, HttpEndpoint: "
                             "enabled|disabled, HttpPutResponseHopLimit}"),
        "MetadataOptions.HttpTokens": F("str", "required means IMDSv2 only"),
        "MetadataOptions.HttpEndpoint": F("str", "enabled or disabled"),
        "MetadataOptions.HttpPutResponseHopLimit": F("int", "hop limit"),
        "SecurityGroups": F("list", "[{GroupId, GroupName}]"),
        "SecurityGroups[].GroupId": F("str", "sg id"),
        "SecurityGroups[].GroupName": F("str", "group name"),
        "NetworkInterfaces": F("list", "[{NetworkInterfaceId, PublicIp}]"),
        "NetworkInterfaces[].NetworkInterfaceId": F("str", "eni id"),
        "NetworkInterfaces[].PublicIp": F("str", "public IPv4 address of the interface "
                                          "(auto-assigned or Elastic IP), null when none"),
        "BlockDeviceMappings": F("list", "[{DeviceName, VolumeId}]"),
        "BlockDeviceMappings[].DeviceName": F("str", "device name, e.g. /dev/xvda"),
        "BlockDeviceMappings[].VolumeId": F("str", "EBS volume id, null for instance store"),
        "LaunchTime": F("datetime", "launch time"),
        "VirtualizationType": F("str", "hvm or paravirtual"),
        "StateTransitionTime": F("datetime", "when the current state began, null if unknown"),
        "Tags": _TAGS,
    },
)

_PERMISSION = "[{IpProtocol, FromPort, ToPort, IpRanges: [{CidrIp}], Ipv6Ranges: [{CidrIpv6}], " \
              "UserIdGroupPairs: [{GroupId}], PrefixListIds}]; IpProtocol -1 means all traffic"

#: One element of IpPermissions / IpPermissionsEgress.
_PERMISSION_FIELDS = {
    "IpProtocol": F("str", "tcp, udp, icmp, icmpv6, a protocol number, or -1 for all"),
    "FromPort": F("int", "first port (ICMP type), null for all"),
    "ToPort": F("int", "last port (ICMP code), null for all"),
    "IpRanges": F("list", "[{CidrIp, Description}]"),
    "IpRanges[].CidrIp": F("str", "IPv4 CIDR, 0.0.0.0/0 for anywhere"),
    "IpRanges[].Description": F("str", "range description"),
    "Ipv6Ranges": F("list", "[{CidrIpv6, Description}]"),
    "Ipv6Ranges[].CidrIpv6": F("str", "IPv6 CIDR, ::/0 for anywhere"),
    "Ipv6Ranges[].Description": F("str", "range description"),
    "UserIdGroupPairs": F("list", "[{GroupId, UserId}]"),
    "UserIdGroupPairs[].GroupId": F("str", "referenced security group id"),
    "UserIdGroupPairs[].UserId": F("str", "account owning the referenced group"),
    "PrefixListIds": F("list[str]", "managed prefix list ids"),
}

EC2_SECURITY_GROUP = AssetType(
    name="aws.ec2.security_group",
    provider="aws",
    title="EC2 security group",
    id_field="Arn",
    fields={
        "GroupId": F("str", "sg id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:security-group/id", nullable=False),
        "GroupName": F("str", "name (default for the VPC's default group)"),
        "Description": F("str", "description"),
        "VpcId": F("str", "VPC id"),
        "IpPermissions": F("list", "ingress rules " + _PERMISSION),
        **_sub("IpPermissions[].", _PERMISSION_FIELDS),
        "IpPermissionsEgress": F("list", "egress rules, same shape"),
        **_sub("IpPermissionsEgress[].", _PERMISSION_FIELDS),
        "AttachedInstances": F("list[str]", "ids of instances using the group (joined by the "
                               "collector from describe_instances)"),
        "Tags": _TAGS,
    },
)

EC2_NETWORK_ACL = AssetType(
    name="aws.ec2.network_acl",
    provider="aws",
    title="VPC network ACL",
    id_field="Arn",
    fields={
        "NetworkAclId": F("str", "acl id", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "VpcId": F("str", "VPC id"),
        "IsDefault": F("bool", "default ACL of the VPC"),
        "Entries": F("list", "[{RuleNumber, Protocol ('-1' all, '6' tcp, '17' udp), RuleAction "
                     "allow|deny, Egress, CidrBlock, Ipv6CidrBlock, PortRange: {From, To}}]"),
        "Entries[].RuleNumber": F("int", "evaluation order, lowest first; 32767 is the final *"),
        "Entries[].Protocol": F("str", "protocol number as text, '-1' for all"),
        "Entries[].RuleAction": F("str", "allow or deny"),
        "Entries[].Egress": F("bool", "true for outbound entries"),
        "Entries[].CidrBlock": F("str", "IPv4 CIDR, null for an IPv6 entry"),
        "Entries[].Ipv6CidrBlock": F("str", "IPv6 CIDR, null for an IPv4 entry"),
        "Entries[].PortRange": F("dict", "{From, To}, null for all ports"),
        "Entries[].PortRange.From": F("int", "first port"),
        "Entries[].PortRange.To": F("int", "last port"),
        "Associations": F("list[str]", "subnet ids"),
        "Tags": _TAGS,
    },
)

EC2_VOLUME = AssetType(
    name="aws.ec2.volume",
    provider="aws",
    title="EBS volume",
    id_field="Arn",
    fields={
        "VolumeId": F("str", "volume id", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "Encrypted": F("bool", "encrypted at rest", nullable=False),
        "KmsKeyId": F("str", "KMS key ARN"),
        "State": F("str", "creating, available, in-use, ..."),
        "Size": F("int", "GiB"),
        "VolumeType": F("str", "gp3, io2, ..."),
        "Attachments": F("list", "[{InstanceId, Device, State}]"),
        "Attachments[].InstanceId": F("str", "instance the volume is attached to"),
        "Attachments[].Device": F("str", "device name"),
        "Attachments[].State": F("str", "attaching, attached, detaching, ..."),
        "CreateTime": F("datetime", "creation time"),
        "Tags": _TAGS,
    },
)

EC2_SNAPSHOT = AssetType(
    name="aws.ec2.snapshot",
    provider="aws",
    title="EBS snapshot",
    id_field="Arn",
    fields={
        "SnapshotId": F("str", "snapshot id", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "VolumeId": F("str", "source volume"),
        "Encrypted": F("bool", "encrypted"),
        "KmsKeyId": F("str", "KMS key"),
        "StartTime": F("datetime", "taken at"),
        "CreateVolumePermissions": F("list", "[{Group: all} | {UserId}]; Group all = public; "
                                     "null when the attribute could not be read"),
        "CreateVolumePermissions[].Group": F("str", "all (public), absent for an account grant"),
        "CreateVolumePermissions[].UserId": F("str", "account granted, absent for a group grant"),
        "Tags": _TAGS,
    },
)

EC2_IMAGE = AssetType(
    name="aws.ec2.image",
    provider="aws",
    title="AMI owned by the account",
    id_field="Arn",
    fields={
        "ImageId": F("str", "AMI id", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "Name": F("str", "name"),
        "Public": F("bool", "launch permission granted to everyone"),
        "State": F("str", "available, ..."),
        "CreationDate": F("datetime", "created at"),
        "BlockDeviceMappings": F("list", "[{DeviceName, Ebs: {Encrypted, SnapshotId}}]"),
        "BlockDeviceMappings[].DeviceName": F("str", "device name"),
        "BlockDeviceMappings[].Ebs": F("dict", "{Encrypted, SnapshotId}, null for instance store"),
        "BlockDeviceMappings[].Ebs.Encrypted": F("bool", "snapshot encrypted"),
        "BlockDeviceMappings[].Ebs.SnapshotId": F("str", "backing snapshot"),
        "Tags": _TAGS,
    },
)

EC2_VPC = AssetType(
    name="aws.ec2.vpc",
    provider="aws",
    title="VPC",
    id_field="Arn",
    fields={
        "VpcId": F("str", "vpc id", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "CidrBlock": F("str", "primary IPv4 CIDR"),
        "IsDefault": F("bool", "default VPC"),
        "State": F("str", "available, pending"),
        "FlowLogs": F("list", "flow logs on this VPC: [{FlowLogId, FlowLogStatus, TrafficType "
                      "ACCEPT|REJECT|ALL, LogDestinationType, LogDestination}], null when "
                      "they could not be listed"),
        "FlowLogs[].FlowLogId": F("str", "flow log id"),
        "FlowLogs[].FlowLogStatus": F("str", "ACTIVE"),
        "FlowLogs[].TrafficType": F("str", "ACCEPT, REJECT or ALL"),
        "FlowLogs[].LogDestinationType": F("str", "cloud-watch-logs, s3 or kinesis-data-firehose"),
        "FlowLogs[].LogDestination": F("str", "destination ARN"),
        "InstanceCount": F("int", "instances in the VPC (joined by the collector)"),
        "Tags": _TAGS,
    },
)

EC2_SUBNET = AssetType(
    name="aws.ec2.subnet",
    provider="aws",
    title="VPC subnet",
    id_field="Arn",
    fields={
        "SubnetId": F("str", "subnet id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:subnet/id", nullable=False),
        "VpcId": F("str", "VPC id"),
        "CidrBlock": F("str", "IPv4 CIDR"),
        "AvailabilityZone": F("str", "availability zone"),
        "State": F("str", "pending or available"),
        "MapPublicIpOnLaunch": F("bool", "instances launched here get a public IPv4 address "
                                 "automatically"),
        "AssignIpv6AddressOnCreation": F("bool", "interfaces created here get an IPv6 address"),
        "DefaultForAz": F("bool", "default subnet of its availability zone"),
        "Tags": _TAGS,
    },
)

EC2_VPC_ENDPOINT = AssetType(
    name="aws.ec2.vpc_endpoint",
    provider="aws",
    title="VPC endpoint",
    id_field="Arn",
    fields={
        "VpcEndpointId": F("str", "endpoint id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:vpc-endpoint/id", nullable=False),
        "VpcId": F("str", "VPC the endpoint is in"),
        "ServiceName": F("str", "service reached, e.g. com.amazonaws.us-east-1.ec2"),
        "VpcEndpointType": F("str", "Interface, Gateway, GatewayLoadBalancer, Resource or "
                             "ServiceNetwork"),
        "State": F("str", "pendingAcceptance, pending, available, deleting, deleted, rejected, "
                   "failed, expired"),
        "PolicyDocument": F("json", "endpoint policy, null when none"),
        "PrivateDnsEnabled": F("bool", "the service's public DNS name resolves to the endpoint "
                               "inside the VPC"),
        "SubnetIds": F("list[str]", "subnets of an interface endpoint"),
        "CreationTimestamp": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

#: The options of a transit gateway (DescribeTransitGateways `Options`).
_TGW_OPTIONS = {
    "AmazonSideAsn": F("int", "BGP ASN of the AWS side"),
    "AutoAcceptSharedAttachments": F("str", "enable: attachment requests from other accounts "
                                     "are accepted without review; disable"),
    "DefaultRouteTableAssociation": F("str", "enable or disable"),
    "DefaultRouteTablePropagation": F("str", "enable or disable"),
    "DnsSupport": F("str", "enable or disable"),
    "VpnEcmpSupport": F("str", "enable or disable"),
    "MulticastSupport": F("str", "enable or disable"),
}

EC2_TRANSIT_GATEWAY = AssetType(
    name="aws.ec2.transit_gateway",
    provider="aws",
    title="Transit gateway owned by the account",
    id_field="Arn",
    fields={
        "TransitGatewayId": F("str", "transit gateway id", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:transit-gateway/id", nullable=False),
        "State": F("str", "pending, available, modifying, deleting, deleted"),
        "Description": F("str", "description"),
        "OwnerId": F("str", "owning account"),
        "Options": F("dict", "{AmazonSideAsn, AutoAcceptSharedAttachments, "
                     "DefaultRouteTableAssociation, DefaultRouteTablePropagation, DnsSupport, "
                     "VpnEcmpSupport, MulticastSupport}"),
        **_sub("Options.", _TGW_OPTIONS),
        "CreationTime": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

EC2_REGIONAL_SETTINGS = AssetType(
    name="aws.ec2.regional_settings",
    provider="aws",
    title="EC2 settings of one region",
    id_field="Arn",
    scope="region",
    fields={
        "Region": F("str", "region", nullable=False),
        "Arn": F("str", "arn:aws:ec2:region:account:settings", nullable=False),
        "EbsEncryptionByDefault": F("bool", "new EBS volumes are encrypted by default"),
        "EbsDefaultKmsKeyId": F("str", "default KMS key for EBS encryption"),
        "SnapshotBlockPublicAccess": F("str", "block-all-sharing, block-new-sharing, unblocked, "
                                       "null when unknown"),
    },
)

CLOUDTRAIL_TRAIL = AssetType(
    name="aws.cloudtrail.trail",
    provider="aws",
    title="CloudTrail trail",
    id_field="TrailARN",
    fields={
        "Name": F("str", "trail name", nullable=False),
        "TrailARN": F("str", "ARN", nullable=False),
        "HomeRegion": F("str", "home region"),
        "IsMultiRegionTrail": F("bool", "logs all regions"),
        "IncludeGlobalServiceEvents": F("bool", "logs global services (IAM, STS)"),
        "IsOrganizationTrail": F("bool", "organization trail"),
        "LogFileValidationEnabled": F("bool", "digest files are produced"),
        "KmsKeyId": F("str", "SSE-KMS key ARN, null when not encrypted with KMS"),
        "S3BucketName": F("str", "destination bucket"),
        "CloudWatchLogsLogGroupArn": F("str", "CloudWatch Logs group, null when not integrated"),
        "Status": F("dict", "GetTrailStatus {IsLogging, LatestDeliveryTime, "
                    "LatestCloudWatchLogsDeliveryTime}"),
        "Status.IsLogging": F("bool", "trail is logging"),
        "Status.LatestDeliveryTime": F("datetime", "last delivery to the S3 bucket"),
        "Status.LatestCloudWatchLogsDeliveryTime": F("datetime", "last delivery to CloudWatch"),
        "EventSelectors": F("list", "[{ReadWriteType All|ReadOnly|WriteOnly, "
                            "IncludeManagementEvents, DataResources: [{Type, Values}]}] "
                            "as GetEventSelectors returns them; null with advanced selectors"),
        "EventSelectors[].ReadWriteType": F("str", "All, ReadOnly or WriteOnly"),
        "EventSelectors[].IncludeManagementEvents": F("bool", "management events recorded"),
        "EventSelectors[].DataResources": F("list", "[{Type, Values}]"),
        "EventSelectors[].DataResources[].Type": F("str", "AWS::S3::Object, AWS::Lambda::Function"),
        "EventSelectors[].DataResources[].Values": F("list[str]", "ARN prefixes; "
                                                     "arn:aws:s3 for all buckets"),
        "EventSelectors[].ExcludeManagementEventSources": F("list[str]", "excluded sources"),
        "AdvancedEventSelectors": F("list", "[{Name, FieldSelectors: [{Field, Equals, ...}]}] "
                                    "as GetEventSelectors returns them; null with classic ones"),
        "AdvancedEventSelectors[].Name": F("str", "selector name"),
        "AdvancedEventSelectors[].FieldSelectors": F("list", "[{Field, Equals, NotEquals, "
                                                     "StartsWith, NotStartsWith, EndsWith, "
                                                     "NotEndsWith}]"),
        **_sub("AdvancedEventSelectors[].FieldSelectors[].", {
            "Field": F("str", "eventCategory, resources.type, readOnly, eventName, ..."),
            **{op: F("list[str]", f"{op} values") for op in (
                "Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith",
                "NotEndsWith")},
        }),
        "Tags": _TAGS,
    },
)

KMS_KEY = AssetType(
    name="aws.kms.key",
    provider="aws",
    title="KMS key",
    id_field="Arn",
    fields={
        "KeyId": F("str", "key id", nullable=False),
        "Arn": F("str", "ARN", nullable=False),
        "KeyManager": F("str", "CUSTOMER or AWS"),
        "KeyState": F("str", "Enabled, Disabled, PendingDeletion, ..."),
        "KeySpec": F("str", "SYMMETRIC_DEFAULT, RSA_2048, ..."),
        "KeyUsage": F("str", "ENCRYPT_DECRYPT, SIGN_VERIFY, ..."),
        "Origin": F("str", "AWS_KMS, EXTERNAL, ..."),
        "Description": F("str", "description"),
        "KeyRotationEnabled": F("bool", "automatic rotation on; null for keys that cannot rotate"),
        "DeletionDate": F("datetime", "scheduled deletion date, null when none"),
        "Policy": F("json", "the default key policy document"),
        "CreationDate": F("datetime", "created at"),
        "Tags": _TAGS,
    },
)

LOGS_LOG_GROUP = AssetType(
    name="aws.logs.log_group",
    provider="aws",
    title="CloudWatch Logs log group",
    id_field="Arn",
    fields={
        "logGroupName": F("str", "name", nullable=False),
        "Arn": F("str", "ARN (without the trailing :*)", nullable=False),
        "retentionInDays": F("int", "retention, null means never expire"),
        "kmsKeyId": F("str", "KMS key, null when not encrypted with KMS"),
        "MetricFilters": F("list", "[{filterName, filterPattern, metricTransformations: "
                           "[{metricName, metricNamespace}]}], null when not listed"),
        "MetricFilters[].filterName": F("str", "filter name"),
        "MetricFilters[].filterPattern": F("str", "CloudWatch Logs filter pattern"),
        "MetricFilters[].metricTransformations": F("list", "[{metricName, metricNamespace}]"),
        "MetricFilters[].metricTransformations[].metricName": F("str", "metric name"),
        "MetricFilters[].metricTransformations[].metricNamespace": F("str", "metric namespace"),
    },
)

CLOUDWATCH_ALARM = AssetType(
    name="aws.cloudwatch.alarm",
    provider="aws",
    title="CloudWatch metric alarm",
    id_field="AlarmArn",
    fields={
        "AlarmName": F("str", "name", nullable=False),
        "AlarmArn": F("str", "ARN", nullable=False),
        "MetricName": F("str", "metric name"),
        "Namespace": F("str", "metric namespace"),
        "ActionsEnabled": F("bool", "actions enabled"),
        "AlarmActions": F("list[str]", "action ARNs (SNS topics, ...)"),
        "StateValue": F("str", "OK, ALARM, INSUFFICIENT_DATA"),
    },
)

SNS_TOPIC = AssetType(
    name="aws.sns.topic",
    provider="aws",
    title="SNS topic",
    id_field="TopicArn",
    fields={
        "TopicArn": F("str", "ARN", nullable=False),
        "Subscriptions": F("list", "confirmed subscriptions [{SubscriptionArn, Protocol, "
                           "Endpoint}] (endpoint addresses are kept, they are not secrets)"),
        "Subscriptions[].SubscriptionArn": F("str", "subscription ARN"),
        "Subscriptions[].Protocol": F("str", "email, sqs, lambda, https, ..."),
        "Subscriptions[].Endpoint": F("str", "address, queue or function ARN"),
        "KmsMasterKeyId": F("str", "encryption key, null when none"),
        "Policy": F("json", "access policy"),
    },
)

CONFIG_RECORDER_STATUS = AssetType(
    name="aws.config.recorder_status",
    provider="aws",
    title="AWS Config in one region",
    id_field="Arn",
    scope="region",
    fields={
        "Region": F("str", "region", nullable=False),
        "Arn": F("str", "arn:aws:config:region:account:settings", nullable=False),
        "Recorders": F("list", "[{name, roleARN, recordingGroup: {allSupported, "
                       "includeGlobalResourceTypes}, Recording (bool), LastStatus}], null "
                       "when they could not be listed"),
        "Recorders[].name": F("str", "recorder name"),
        "Recorders[].roleARN": F("str", "role the recorder uses"),
        "Recorders[].recordingGroup": F("dict", "{allSupported, includeGlobalResourceTypes}"),
        "Recorders[].recordingGroup.allSupported": F("bool", "records every supported type"),
        "Recorders[].recordingGroup.includeGlobalResourceTypes": F(
            "bool", "records global resources (IAM)"),
        "Recorders[].Recording": F("bool", "recording now; null when the status is unknown"),
        "Recorders[].LastStatus": F("str", "Pending, Success or Failure; null when unknown"),
        "DeliveryChannels": F("list", "[{name, s3BucketName, snsTopicARN}]"),
        "DeliveryChannels[].name": F("str", "channel name"),
        "DeliveryChannels[].s3BucketName": F("str", "delivery bucket"),
        "DeliveryChannels[].snsTopicARN": F("str", "notification topic, null when none"),
    },
)

ALL = (
    ACCOUNT,
    IAM_USER,
    IAM_ROLE,
    IAM_GROUP,
    IAM_POLICY,
    IAM_SERVER_CERTIFICATE,
    S3_BUCKET,
    S3_ACCESS_POINT,
    S3_MULTI_REGION_ACCESS_POINT,
    EC2_INSTANCE,
    EC2_SECURITY_GROUP,
    EC2_NETWORK_ACL,
    EC2_VOLUME,
    EC2_SNAPSHOT,
    EC2_IMAGE,
    EC2_VPC,
    EC2_SUBNET,
    EC2_VPC_ENDPOINT,
    EC2_TRANSIT_GATEWAY,
    EC2_REGIONAL_SETTINGS,
    CLOUDTRAIL_TRAIL,
    KMS_KEY,
    LOGS_LOG_GROUP,
    CLOUDWATCH_ALARM,
    SNS_TOPIC,
    CONFIG_RECORDER_STATUS,
)
