"""The login identity: the custom User, allauth adapters, staff roles.

The lowest app: it imports from no other app of the portal. Links between a
login and the utility's customers live in `billing` (which may import users).
"""
