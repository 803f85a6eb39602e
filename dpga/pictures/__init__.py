"""Pictures: upload checks, renditions, the picture field and the abstract picture owner."""
