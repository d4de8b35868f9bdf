"""Programmes: groups of related projects inside a portfolio, with the portfolio's rollups."""
