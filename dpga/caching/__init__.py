"""The site-wide caches: the content version and state, and the whole-page cache."""
