"""The form language, its engine and the published kitchen-table forms (pure: no web, no ORM)."""
