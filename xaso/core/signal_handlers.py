"""Hooks into third-party signals (django-axes) that feed the audit trail."""
