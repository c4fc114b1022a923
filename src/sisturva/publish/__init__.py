"""Publishing the strategy: static site, Markdown document, open data."""
