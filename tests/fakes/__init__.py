"""Stand-ins for what lies outside this machine (push services), run on loopback."""
