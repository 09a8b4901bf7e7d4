"""Timelines leaving and entering the panel: JSON export and import, pytest modules."""
