"""Snowpatrol's software-defined assets, one file per pipeline stage."""
