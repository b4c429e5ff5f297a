"""salon_tui: store management for hair, beauty, nail, lash and spa shops, in the terminal."""

__version__ = "0.1.0"
