"""Use-cases, one module per area: verbs over plain values.

A service checks the actor's permission, opens one transaction (or joins the one
already open on this thread), writes the audit entry in it, and returns a frozen read
model or raises a ``SalonError`` a cashier understands. Services never know which face
called them.
"""
