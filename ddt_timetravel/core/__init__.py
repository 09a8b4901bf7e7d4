"""Pure logic: stable event numbers, diffs, masking, search, cost, watchpoints, memo.

Nothing here reads a request, the toolbar or settings; values come in as arguments.
"""
