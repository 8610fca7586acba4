"""Receivers that end a user's sessions when they are deactivated or their password changes."""
