"""The wheel users install (`pip install sisturva`, as the CI examples do) holds the templates and renders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import PROJECT


def test_the_wheel_holds_every_module_and_template_and_renders(tmp_path: Path) -> None:
    # Built from a clean copy: a `build/` folder left in the checkout would stand in for the sources.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(PROJECT / name, project / name)
    for name in ("src", "templates", "examples"):
        shutil.copytree(
            # Without compiled catalogues: the build must make them.
            PROJECT / name,
            project / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.mo"),
        )
    wheels = tmp_path / "wheel"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = wheels.glob("sisturva-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    source = PROJECT / "src"
    modules = {str(p.relative_to(source)) for p in source.rglob("*.py") if "__pycache__" not in p.parts}
    templates = {f"sisturva/templates/{p.name}" for p in (PROJECT / "templates").iterdir() if p.is_file()}
    assert modules <= names
    assert templates <= names
    assert {f"sisturva/translations/{lang}/LC_MESSAGES/sisturva.mo" for lang in ("fi", "sv", "en")} <= names
    # Run the installed files, not the source checkout: the wheel unpacked first on the path.
    unpacked = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {**os.environ, "PYTHONPATH": str(unpacked), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sisturva.publish.site as s; print(s.__file__); print(s.PACKAGED_TEMPLATES)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    assert all(Path(path).is_relative_to(unpacked) for path in where), where
    out = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "sisturva", "render", "-C", str(PROJECT / "strategy"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    front = (out / "fi" / "index.html").read_text(encoding="utf-8")
    assert "Sisäisen turvallisuuden kansallinen yhteistoimintamalli" in front
    # The words come from the wheel's compiled catalogues: plural forms in each language.
    assert "Siirry sisältöön" in front and "tavoitetta" in front
    assert "Skip to content" in (out / "en" / "index.html").read_text(encoding="utf-8")
    assert (out / "style.css").read_bytes() == (PROJECT / "templates" / "style.css").read_bytes()
