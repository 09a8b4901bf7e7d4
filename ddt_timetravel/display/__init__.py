"""The objects the panel's templates render: rows, diff views, state trees, charts."""
