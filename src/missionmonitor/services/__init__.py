"""Services: the operations the CLI (and later the web app) call. Routes stay thin."""
