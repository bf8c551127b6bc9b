"""Pure helpers shared by the Python checks of rules (policy analysis, network exposure)."""
