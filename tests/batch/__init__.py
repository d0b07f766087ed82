"""Tests of ``atbalsts batch`` and :mod:`atbalsts.batch`: records, rule tables, worker
processes, resume, and safety (signals, atomic output, messages without values)."""
