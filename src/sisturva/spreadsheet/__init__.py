"""Spreadsheets both ways: workbooks made from the repository, and returned workbooks turned into changes."""
