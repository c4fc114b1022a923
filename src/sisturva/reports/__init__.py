"""Reports present computed results; they never compute, print or exit."""
