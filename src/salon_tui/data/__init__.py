"""Storage: SQLModel tables, the engine and its pragmas, transactions, migrations.

No business rules here. Where SQLite and PostgreSQL differ, this package hides it
behind one function.
"""
