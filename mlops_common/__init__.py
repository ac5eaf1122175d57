"""Pieces both code locations share: environment switch, table storage, model store, alerts."""
