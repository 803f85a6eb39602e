"""Six languages: translatable content, alternates, the preferred-language middleware."""
