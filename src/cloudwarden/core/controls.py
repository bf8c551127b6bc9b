"""Security controls: the groups every rule belongs to, with the secure-score points of each.

The points follow Microsoft Defender for Cloud's secure score controls.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CONTROLS", "SecurityControl", "control_by_name"]


@dataclass(frozen=True, slots=True)
class SecurityControl:
    id: str
    name: str
    max_score: int


CONTROLS: tuple[SecurityControl, ...] = (
    SecurityControl("enable_mfa", "Enable MFA", 10),
    SecurityControl("secure_management_ports", "Secure management ports", 8),
    SecurityControl("apply_system_updates", "Apply system updates", 6),
    SecurityControl("remediate_vulnerabilities", "Remediate vulnerabilities", 6),
    SecurityControl("remediate_security_configurations", "Remediate security configurations", 4),
    SecurityControl("manage_access_and_permissions", "Manage access and permissions", 4),
    SecurityControl("enable_encryption_at_rest", "Enable encryption at rest", 4),
    SecurityControl("encrypt_data_in_transit", "Encrypt data in transit", 4),
    SecurityControl("restrict_unauthorized_network_access",
                    "Restrict unauthorized network access", 4),
    SecurityControl("apply_adaptive_application_control",
                    "Apply adaptive application control", 3),
    SecurityControl("enable_ddos_protection", "Enable DDoS protection", 2),
    SecurityControl("enable_endpoint_protection", "Enable endpoint protection", 2),
    SecurityControl("enable_auditing_and_logging", "Enable auditing and logging", 1),
    SecurityControl("enable_enhanced_security_features", "Enable enhanced security features", 0),
    SecurityControl("implement_security_best_practices", "Implement security best practices", 0),
)

_BY_ID = {c.id: c for c in CONTROLS}


def control_by_name(ident: str) -> SecurityControl | None:
    """Look a control up by its id (`enable_mfa`)."""
    return _BY_ID.get(ident)
