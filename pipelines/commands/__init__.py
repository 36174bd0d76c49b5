"""One module per `newswire` sub-command: `register(subparsers)` adds it, `args.func` runs it."""
