"""Tests of sisturva, mirroring the package."""
