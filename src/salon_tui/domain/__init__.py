"""Pure rules and value types: money, permissions, lockout, audit hashing, time.

No I/O and no database here; everything is a function of its arguments.
"""
