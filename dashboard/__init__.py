"""Sammen's dashboard (Dash): reads the warehouse's marts, never the raw files."""
