"""Tests of the monitoring statistics (atbalsts.stats)."""
