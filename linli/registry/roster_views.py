"""Roster import and export pages (.xlsx)."""
