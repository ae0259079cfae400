"""Alerts: the in-app inbox per user, Web Push subscriptions, and delivering pushes (VAPID)."""
