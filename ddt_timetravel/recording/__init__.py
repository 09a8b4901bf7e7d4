"""What runs inside djust's socket turn: timing, SQL sources, toolbar capture, earlier sessions."""
