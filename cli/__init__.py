"""tradegame's command line (typer). Only this package prints."""
