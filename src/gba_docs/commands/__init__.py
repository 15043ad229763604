"""Console subcommands, one module each, discovered by the CLI."""
