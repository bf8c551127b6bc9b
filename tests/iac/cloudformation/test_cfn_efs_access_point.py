"""EFS access points from CloudFormation, judged by the rules."""

from __future__ import annotations

from pathlib import Path

from cfn_judge import load_cfn, verdicts

from cloudwarden.core.model import Status

TEMPLATE = """
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties: {Encrypted: true}
  AppAccess:
    Type: AWS::EFS::AccessPoint
    Properties:
      FileSystemId: !Ref Files
      PosixUser: {Uid: "1001", Gid: "1001"}
      RootDirectory:
        Path: /app
        CreationInfo: {OwnerUid: "1001", OwnerGid: "1001", Permissions: "0750"}
      AccessPointTags: [{Key: Name, Value: app}]
  WholeAccess:
    Type: AWS::EFS::AccessPoint
    Properties: {FileSystemId: !Ref Files}
"""


def test_access_points(tmp_path: Path) -> None:
    found = load_cfn(tmp_path, TEMPLATE)
    app = found["AppAccess"].properties
    assert app["PosixUser"] == {"Uid": 1001, "Gid": 1001, "SecondaryGids": []}
    assert (app["FileSystemId"], app["Name"]) == ("${Files}", "app")
    results = verdicts(found)
    for rule in ("aws.efs.access_point_root_directory", "aws.efs.access_point_user_identity"):
        assert results[(rule, "AppAccess")] is Status.PASS, rule
        assert results[(rule, "WholeAccess")] is Status.FAIL, rule
