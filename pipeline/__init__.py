"""Sammen's pipeline: read -> validate -> transform -> load -> score (wired in flow.py)."""
