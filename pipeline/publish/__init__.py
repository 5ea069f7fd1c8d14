"""The public face: published hearings as a static site, open data files and a feed."""
