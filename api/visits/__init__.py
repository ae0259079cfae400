"""Visits: finalized kitchen-table forms received from tablets, and their attachments."""
