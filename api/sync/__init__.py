"""The sync protocol: canonical bodies, the change sequence, the pull of what a user may hold."""
