"""Extraction rules, one rule family a module."""
