"""Changing strategy files: the round-trip writer and the one entry every changing command goes through."""
