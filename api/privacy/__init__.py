"""A household's right of access (AVG art. 15): what one organisation holds, as JSON and PDF."""
