"""Published visit forms: loaded once with the covenant's codes, served to tablets as JSON."""
