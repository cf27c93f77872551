"""stages-tui: manage Mautic lifecycle stages from the terminal."""

__version__ = "0.1.0"
