"""One use case per module; the CLI calls these and maps errors to exit codes."""
