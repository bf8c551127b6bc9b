"""ECR repositories from CloudFormation judged with the region's registry scanning setting."""

from __future__ import annotations

from pathlib import Path

from cfn_judge import load_cfn, verdicts

from cloudwarden.core.model import UNRESOLVED, Status

REPOSITORIES = """
Resources:
  Images:
    Type: AWS::ECR::Repository
    Properties:
      ImageScanningConfiguration: {ScanOnPush: true}
  Sandbox:
    Type: AWS::ECR::Repository
"""

REGISTRY = """
  Scanning:
    Type: AWS::ECR::RegistryScanningConfiguration
    Properties:
      ScanType: ENHANCED
      Rules:
        - ScanFrequency: CONTINUOUS_SCAN
          RepositoryFilters: [{Filter: "*", FilterType: WILDCARD}]
"""


def test_registry_scanning_from_the_template(tmp_path: Path) -> None:
    alone = load_cfn(tmp_path / "alone", REPOSITORIES)
    assert alone["Sandbox"].unknown["RegistryScanningConfiguration"].startswith(UNRESOLVED)
    rule = "aws.ecr.repository_image_scanning_enabled"
    assert verdicts(alone)[(rule, "Sandbox")] is Status.NOT_APPLICABLE

    found = load_cfn(tmp_path / "registry", REPOSITORIES + REGISTRY)
    assert found["Sandbox"].properties["RegistryScanningConfiguration"] == {
        "scanType": "ENHANCED", "rules": [{"scanFrequency": "CONTINUOUS_SCAN",
                                           "repositoryFilters": [{"filter": "*",
                                                                  "filterType": "WILDCARD"}]}]}
    results = verdicts(found)
    assert results[(rule, "Sandbox")] is Status.PASS
    assert results[(rule, "Images")] is Status.PASS
