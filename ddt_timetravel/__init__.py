"""ddt-timetravel: a Django Debug Toolbar panel for djust's time-travel history."""

__version__ = "0.1.0"
