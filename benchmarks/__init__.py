"""Speed and memory figures for `make bench`, each printed beside its floor."""
