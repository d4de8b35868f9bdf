"""Portfolios and their strategic objectives."""
