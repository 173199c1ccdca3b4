"""What `pip install` puts on a machine: one import package, incident_guide, with its templates, schema and data,
runnable as `python -m incident_guide`; nothing named `generator` (a name other projects use)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=300)
    [built] = out.glob("incident_guide-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_one_package_with_its_templates_schema_and_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"incident_guide"}
    for needed in ("incident_guide/__main__.py", "incident_guide/cli.py", "incident_guide/render/pdf.py",
                   "incident_guide/templates/guide.html.j2", "incident_guide/templates/fonts/NotoSans-Regular.ttf",
                   "incident_guide/templates/locale/ja/LC_MESSAGES/messages.po", "incident_guide/schema/plan.schema.json",
                   "incident_guide/data/emergency_numbers.json", "incident_guide/serve/run.py",
                   "incident_guide/serve/templates/page.html.j2", "incident_guide/serve/templates/reload.js"):
        assert needed in names, needed


@pytest.mark.slow
def test_python_m_incident_guide_runs_from_the_installed_package(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    here = tmp_path / "elsewhere"  # not the checkout: its generator/ is not on the path
    here.mkdir()
    version = subprocess.run([sys.executable, "-m", "incident_guide", "--version"], cwd=here, env=env, capture_output=True, text=True, timeout=60)
    assert version.returncode == 0, version.stderr
    assert "0.1.0" in version.stdout
    checked = subprocess.run([sys.executable, "-m", "incident_guide", "check", str(ROOT / "plans" / "complete-conference.yaml")],
                             cwd=here, env=env, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    located = subprocess.run([sys.executable, "-c", "import incident_guide.paths as p; print(p.templates_dir())"],
                             cwd=here, env=env, capture_output=True, text=True, timeout=60)
    assert located.stdout.strip().startswith(str(target / "incident_guide")), located.stdout
    page = subprocess.run([sys.executable, "-c", "import incident_guide.serve.pages as p; print(p.reload_script(7, 'n'))"],
                          cwd=here, env=env, capture_output=True, text=True, timeout=60)
    assert page.stdout.startswith('<script nonce="n">(function(){var v=7;'), page.stdout + page.stderr  # the preview's pages
    assert subprocess.run([sys.executable, "-c", "import generator"], cwd=here, env=env, capture_output=True, timeout=60).returncode != 0
