"""Root pytest configuration: keep test logs out of the way but inspectable."""
