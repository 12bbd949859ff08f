"""Notifications: the one way the portal sends anything to anyone.

The lowest domain app: it imports from `portal` and `users` only. Other apps
call `notifications.services.notify()` / `notify_bulk()` and register the
addresses they know with `contact_point_upsert()` (see NOTIFY_CONTRACT.md and
docs/notifications.md).
"""
