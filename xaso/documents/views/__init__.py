"""Pages of the documents app (thin: permission, scoped record, form, one service call)."""
