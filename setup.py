"""Build hook: compiles the message catalogues (`.po`) into the `.mo` files the package reads at run time."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUE = Path(__file__).resolve().parent / "src" / "sisturva" / "catalogue.py"


def compile_catalogues() -> None:
    """Write each language's `.mo` beside its `.po`, with the package's own compiler (Babel)."""
    # Loaded from its file: importing the package would need its dependencies at build time.
    spec = importlib.util.spec_from_file_location("sisturva_catalogue", CATALOGUE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_all()


class BuildPy(build_py):
    """`build_py` that compiles the catalogues first, so wheels and editable installs hold the `.mo` files."""

    def run(self) -> None:
        compile_catalogues()
        # The package data found before the catalogues were compiled would lack the `.mo` files.
        self.__dict__.pop("data_files", None)
        super().run()


setup(cmdclass={"build_py": BuildPy})
