"""Running the bot as a service: the health and metrics server, and its probe."""
