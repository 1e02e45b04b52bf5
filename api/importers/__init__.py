"""Importers of real data sets: each turns a source into sent events that cite it, row by row."""
