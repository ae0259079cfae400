"""The covenant file (kinds, categories, sharing bases, deadlines), loader, access policy."""
