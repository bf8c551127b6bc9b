"""Threat detection: log sources -> events -> detections (Sigma, stateful, anomaly) -> alerts
-> incidents -> exports."""
