"""The MITRE ATT&CK techniques our detections use, as data, and the kill-chain order of tactics.

Names and tactics are those of ATT&CK Enterprise v15 (April 2024), https://attack.mitre.org/.
A technique may serve several tactics (T1078 Valid Accounts is initial access, persistence,
privilege escalation and defense evasion); the first one listed here is the tactic an alert
takes when its detection names only the technique, so the most typical use comes first.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ATTACK_VERSION",
    "KILL_CHAIN",
    "TACTICS",
    "TECHNIQUES",
    "Tactic",
    "Technique",
    "kill_chain_index",
    "tactic",
    "technique",
]

ATTACK_VERSION = "15.1"


@dataclass(frozen=True, slots=True)
class Tactic:
    id: str  # TA0006
    shortname: str  # credential-access
    name: str  # Credential Access

    @property
    def url(self) -> str:
        return f"https://attack.mitre.org/tactics/{self.id}/"


@dataclass(frozen=True, slots=True)
class Technique:
    id: str  # T1098.001
    name: str  # Account Manipulation: Additional Cloud Credentials
    tactics: tuple[str, ...]  # shortnames, most typical first

    @property
    def parent(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def url(self) -> str:
        return f"https://attack.mitre.org/techniques/{self.id.replace('.', '/')}/"


_T = Tactic
#: ATT&CK Enterprise tactics in the matrix order, which is the kill-chain order
KILL_CHAIN: tuple[Tactic, ...] = (
    _T("TA0043", "reconnaissance", "Reconnaissance"),
    _T("TA0042", "resource-development", "Resource Development"),
    _T("TA0001", "initial-access", "Initial Access"),
    _T("TA0002", "execution", "Execution"),
    _T("TA0003", "persistence", "Persistence"),
    _T("TA0004", "privilege-escalation", "Privilege Escalation"),
    _T("TA0005", "defense-evasion", "Defense Evasion"),
    _T("TA0006", "credential-access", "Credential Access"),
    _T("TA0007", "discovery", "Discovery"),
    _T("TA0008", "lateral-movement", "Lateral Movement"),
    _T("TA0009", "collection", "Collection"),
    _T("TA0011", "command-and-control", "Command and Control"),
    _T("TA0010", "exfiltration", "Exfiltration"),
    _T("TA0040", "impact", "Impact"),
)
TACTICS: dict[str, Tactic] = {t.shortname: t for t in KILL_CHAIN}

_IA, _EX, _PE, _PR = "initial-access", "execution", "persistence", "privilege-escalation"
_DE, _CA, _DI, _LM = "defense-evasion", "credential-access", "discovery", "lateral-movement"
_CO, _C2, _EF, _IM = "collection", "command-and-control", "exfiltration", "impact"

_TECHNIQUE_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("T1021.004", "Remote Services: SSH", (_LM,)),
    ("T1048", "Exfiltration Over Alternative Protocol", (_EF,)),
    ("T1053.003", "Scheduled Task/Job: Cron", (_PE, _EX, _PR)),
    ("T1059", "Command and Scripting Interpreter", (_EX,)),
    ("T1059.004", "Command and Scripting Interpreter: Unix Shell", (_EX,)),
    ("T1069.003", "Permission Groups Discovery: Cloud Groups", (_DI,)),
    ("T1070.003", "Indicator Removal: Clear Command History", (_DE,)),
    ("T1071.004", "Application Layer Protocol: DNS", (_C2,)),
    ("T1078", "Valid Accounts", (_IA, _PE, _PR, _DE)),
    ("T1078.004", "Valid Accounts: Cloud Accounts", (_IA, _PE, _PR, _DE)),
    ("T1087.004", "Account Discovery: Cloud Account", (_DI,)),
    ("T1098", "Account Manipulation", (_PE, _PR)),
    ("T1098.001", "Account Manipulation: Additional Cloud Credentials", (_PE, _PR)),
    ("T1098.004", "Account Manipulation: SSH Authorized Keys", (_PE, _PR)),
    ("T1110", "Brute Force", (_CA,)),
    ("T1110.001", "Brute Force: Password Guessing", (_CA,)),
    ("T1110.003", "Brute Force: Password Spraying", (_CA,)),
    ("T1133", "External Remote Services", (_IA, _PE)),
    ("T1136", "Create Account", (_PE,)),
    ("T1136.003", "Create Account: Cloud Account", (_PE,)),
    ("T1190", "Exploit Public-Facing Application", (_IA,)),
    ("T1485", "Data Destruction", (_IM,)),
    ("T1486", "Data Encrypted for Impact", (_IM,)),
    ("T1496", "Resource Hijacking", (_IM,)),
    ("T1526", "Cloud Service Discovery", (_DI,)),
    ("T1530", "Data from Cloud Storage", (_CO,)),
    ("T1535", "Unused/Unsupported Cloud Regions", (_DE,)),
    ("T1537", "Transfer Data to Cloud Account", (_EF,)),
    ("T1543", "Create or Modify System Process", (_PE, _PR)),
    ("T1548.003", "Abuse Elevation Control Mechanism: Sudo and Sudo Caching", (_PR, _DE)),
    ("T1552", "Unsecured Credentials", (_CA,)),
    ("T1552.001", "Unsecured Credentials: Credentials In Files", (_CA,)),
    ("T1552.005", "Unsecured Credentials: Cloud Instance Metadata API", (_CA,)),
    ("T1555", "Credentials from Password Stores", (_CA,)),
    ("T1555.006", "Credentials from Password Stores: Cloud Secrets Management Stores", (_CA,)),
    ("T1562", "Impair Defenses", (_DE,)),
    ("T1562.001", "Impair Defenses: Disable or Modify Tools", (_DE,)),
    ("T1562.008", "Impair Defenses: Disable or Modify Cloud Logs", (_DE,)),
    ("T1568.002", "Dynamic Resolution: Domain Generation Algorithms", (_C2,)),
    ("T1578", "Modify Cloud Compute Infrastructure", (_DE,)),
    ("T1578.002", "Modify Cloud Compute Infrastructure: Create Cloud Instance", (_DE,)),
    ("T1580", "Cloud Infrastructure Discovery", (_DI,)),
    ("T1609", "Container Administration Command", (_EX,)),
    ("T1610", "Deploy Container", (_EX, _DE)),
    ("T1611", "Escape to Host", (_PR,)),
    ("T1613", "Container and Resource Discovery", (_DI,)),
    ("T1619", "Cloud Storage Object Discovery", (_DI,)),
    # techniques of the built-in detections (detect/rules)
    ("T1040", "Network Sniffing", (_CA, _DI)),
    ("T1053.007", "Scheduled Task/Job: Container Orchestration Job", (_EX, _PE, _PR)),
    ("T1059.006", "Command and Scripting Interpreter: Python", (_EX,)),
    ("T1070.002", "Indicator Removal: Clear Linux or Mac System Logs", (_DE,)),
    ("T1078.001", "Valid Accounts: Default Accounts", (_DE, _PE, _PR, _IA)),
    ("T1078.003", "Valid Accounts: Local Accounts", (_DE, _PE, _PR, _IA)),
    ("T1098.003", "Account Manipulation: Additional Cloud Roles", (_PE, _PR)),
    ("T1136.001", "Create Account: Local Account", (_PE,)),
    ("T1140", "Deobfuscate/Decode Files or Information", (_DE,)),
    ("T1484.002", "Domain or Tenant Policy Modification: Trust Modification", (_DE, _PR)),
    ("T1528", "Steal Application Access Token", (_CA,)),
    ("T1546", "Event Triggered Execution", (_PR, _PE)),
    ("T1548.001", "Abuse Elevation Control Mechanism: Setuid and Setgid", (_PR, _DE)),
    ("T1552.007", "Unsecured Credentials: Container API", (_CA,)),
    ("T1556", "Modify Authentication Process", (_CA, _DE, _PE)),
    ("T1556.006", "Modify Authentication Process: Multi-Factor Authentication", (_CA, _DE, _PE)),
    ("T1562.004", "Impair Defenses: Disable or Modify System Firewall", (_DE,)),
    ("T1562.007", "Impair Defenses: Disable or Modify Cloud Firewall", (_DE,)),
    ("T1570", "Lateral Tool Transfer", (_LM,)),
    ("T1651", "Cloud Administration Command", (_EX,)),
    ("T1599", "Network Boundary Bridging", (_DE,)),
    ("T1199", "Trusted Relationship", (_IA,)),
)
TECHNIQUES: dict[str, Technique] = {
    row[0]: Technique(*row) for row in _TECHNIQUE_ROWS
}

_TACTIC_LOOKUP: dict[str, Tactic] = {}
for _tactic in KILL_CHAIN:
    for _key in (_tactic.id, _tactic.shortname, _tactic.name):
        _TACTIC_LOOKUP[_key.lower()] = _tactic
        _TACTIC_LOOKUP[_key.lower().replace(" ", "-")] = _tactic
        _TACTIC_LOOKUP[_key.lower().replace("-", "_")] = _tactic


def tactic(text: str) -> Tactic | None:
    """The tactic named by its id (`TA0006`), shortname (`credential-access`, `credential_access`)
    or display name (`Credential Access`); None when unknown or empty."""
    return _TACTIC_LOOKUP.get(text.strip().lower()) if text else None


def technique(technique_id: str) -> Technique | None:
    """The technique by id (`T1098.001`, case-insensitive); None when not in our table."""
    return TECHNIQUES.get(technique_id.strip().upper()) if technique_id else None


def kill_chain_index(tactic_text: str) -> int:
    """Position along the kill chain; unknown tactics sort after impact."""
    found = tactic(tactic_text)
    return KILL_CHAIN.index(found) if found else len(KILL_CHAIN)
