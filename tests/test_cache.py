"""The build cache never serves a stale guide: change any input and the guide is rebuilt.

The build itself is replaced by a fast stand-in that writes files and counts calls,
so each input can be changed in turn; tests/test_batch.py runs the real build.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
from pathlib import Path

import pytest

import generator
from generator import batch, cache
from generator.batch import Job, run_job
from generator.build import Built
from generator.files import sha256_regular

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "templates" / "starters" / "meetup.yaml"


class FakeBuild:
    """Writes the files a build writes; content depends on the plan and options."""

    def __init__(self):
        self.calls = 0

    def __call__(self, job: Job) -> Built:
        self.calls += 1
        digest = hashlib.sha256(job.plan.read_bytes() + repr(sorted(job.options.items())).encode()).hexdigest()
        (job.out_dir / "private").mkdir(parents=True, exist_ok=True)
        (job.out_dir / "private").chmod(0o700)  # as the build writes it
        files = [job.out_dir / "volunteer.html", job.out_dir / "volunteer.pdf", job.out_dir / "private" / "responder.html"]
        for path in files:
            path.write_text(f"{path.name} {digest}\n")
        files[-1].chmod(0o600)
        # Like the renderer, report the pictures it read: here the map, when it exists.
        picture = job.plan.parent / "pictures" / "map.png"
        uses = {picture.resolve().as_posix(): sha256_regular(picture)} if picture.exists() else {}
        print_ = cache.fingerprint(job.plan, batch.cache_options(job), uses=uses)
        hashes = {path.relative_to(job.out_dir).as_posix(): sha256_regular(path) for path in files}
        record = cache.record_path(job.out_dir)
        record.write_bytes(cache.record_bytes(print_, hashes))
        record.chmod(0o600)  # as the build writes it
        return Built(files, [], [])


@pytest.fixture
def setup(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates, ignore=shutil.ignore_patterns("starters", "fonts"))
    (templates / "css").mkdir(exist_ok=True)
    (templates / "css" / "guide.css").write_text("body { color: black }\n")
    monkeypatch.setattr(cache, "templates_dir", lambda: templates)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fake = FakeBuild()
    monkeypatch.setattr(batch, "_build", fake)
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "meetup.yaml"
    text = STARTER.read_text(encoding="utf-8").replace(
        '    name: "CHANGE ME: where you meet"\n',
        '    name: "CHANGE ME: where you meet"\n    directions: "Use the side door, see ![map](pictures/map.png)."\n')
    assert "map.png" in text
    plan.write_text(text, encoding="utf-8")
    (plans / "pictures").mkdir()
    (plans / "pictures" / "map.png").write_bytes(b"\x89PNG first map")
    (plans / "unused.png").write_bytes(b"\x89PNG not in the plan")
    out = tmp_path / "output" / "meetup"

    def build(**options) -> str:
        force = options.pop("force", False)
        return run_job(Job(plan, out, options, force)).status

    return type("Setup", (), {"plan": plan, "out": out, "templates": templates, "fake": fake, "build": staticmethod(build),
                              "plans": plans})


def mtimes(folder: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_unchanged_inputs_are_not_rebuilt(setup):
    assert setup.build() == "built"
    before = mtimes(setup.out)
    assert setup.build() == "unchanged"
    assert setup.build() == "unchanged"
    assert setup.fake.calls == 1
    assert mtimes(setup.out) == before


def test_force_rebuilds(setup):
    setup.build()
    assert setup.build(force=True) == "built"
    assert setup.fake.calls == 2


def test_record_is_private(setup):
    setup.build()
    record = setup.out / ".build.json"
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    assert "passphrase" not in record.read_text()


def test_changed_plan_text_rebuilds(setup):
    setup.build()
    setup.plan.write_text(setup.plan.read_text().replace("Quiet corner", "Quiet room"))
    assert setup.build() == "built"
    assert setup.build() == "unchanged"


def test_touching_the_plan_without_changing_it_does_not_rebuild(setup):
    setup.build()
    setup.plan.write_bytes(setup.plan.read_bytes())
    assert setup.build() == "unchanged"


def test_changed_template_file_rebuilds(setup):
    setup.build()
    css = setup.templates / "css" / "guide.css"
    css.write_text(css.read_text() + "h1 { color: navy }\n")
    assert setup.build() == "built"


def test_new_template_file_rebuilds(setup):
    setup.build()
    (setup.templates / "partials").mkdir(exist_ok=True)
    (setup.templates / "partials" / "extra.html.j2").write_text("<p>new</p>")
    assert setup.build() == "built"


def test_starters_are_not_part_of_the_key(setup):
    setup.build()
    (setup.templates / "starters").mkdir(exist_ok=True)
    (setup.templates / "starters" / "new.yaml").write_text("format: 1\n")
    assert setup.build() == "unchanged"


def test_tool_version_rebuilds(setup, monkeypatch):
    setup.build()
    monkeypatch.setattr(generator, "__version__", "99.0.0")
    assert setup.build() == "built"


def test_library_version_rebuilds(setup, monkeypatch):
    setup.build()
    versions = dict(cache._library_versions())
    versions["weasyprint"] = "999"
    monkeypatch.setattr(cache, "_library_versions", lambda: tuple(versions.items()))
    assert setup.build() == "built"


@pytest.mark.parametrize("options", [{"paper": "letter"}, {"editions": ["volunteer"]}, {"passphrase": "correct horse battery"}])
def test_changed_option_rebuilds(setup, options):
    setup.build(paper="a4")
    assert setup.build(paper="a4") == "unchanged"
    assert setup.build(**{"paper": "a4", **options}) == "built"


def test_source_date_epoch_rebuilds(setup, monkeypatch):
    setup.build()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert setup.build() == "built"


def test_deleted_output_rebuilds(setup):
    setup.build()
    (setup.out / "private" / "responder.html").unlink()
    assert setup.build() == "built"
    assert (setup.out / "private" / "responder.html").exists()


def test_modified_output_rebuilds(setup):
    setup.build()
    (setup.out / "volunteer.pdf").write_text("edited by hand")
    assert setup.build() == "built"


@pytest.mark.parametrize("loosened", ["private/responder.html", "private"])
def test_a_private_file_others_can_read_rebuilds(setup, loosened):
    setup.build()
    (setup.out / loosened).chmod(0o644 if loosened.endswith(".html") else 0o755)
    assert setup.build() == "built"


def test_missing_or_damaged_record_rebuilds(setup):
    setup.build()
    (setup.out / ".build.json").unlink()
    assert setup.build() == "built"
    (setup.out / ".build.json").write_text("{not json")
    assert setup.build() == "built"


def test_picture_used_by_the_plan_rebuilds(setup):
    setup.build()
    (setup.plans / "unused.png").write_bytes(b"\x89PNG changed, but no plan uses it")
    assert setup.build() == "unchanged"
    (setup.plans / "pictures" / "map.png").write_bytes(b"\x89PNG second map")
    assert setup.build() == "built"
    (setup.plans / "pictures" / "map.png").unlink()
    assert setup.build() == "built"


def test_record_never_points_outside_the_output_folder(setup):
    setup.build()
    record = setup.out / ".build.json"
    text = record.read_text().replace('"volunteer.html"', '"../../plans/meetup.yaml"')
    record.write_text(text)
    assert setup.build() == "built"


def test_same_size_template_edit_is_seen(setup):
    setup.build()
    css = setup.templates / "css" / "guide.css"
    text = css.read_text()
    css.write_text(text.replace("black", "white"))  # same length, new bytes
    assert setup.build() == "built"


@pytest.mark.slow
def test_sealed_guide_is_current_only_with_the_same_passphrase(tmp_path):
    """Real build: no passphrase is stored, so the sealed file itself is tried with this run's passphrase."""
    plan = tmp_path / "meetup.yaml"
    plan.write_text(STARTER.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "output" / "meetup"

    def build(passphrase):
        return run_job(Job(plan, out, {"editions": ["responder"], "paper": None, "passphrase": passphrase})).status

    first = "ferry lantern orchard quietly"
    assert build(first) == "built"
    assert "ferry" not in (out / ".build.json").read_text()
    assert build(first) == "unchanged"
    assert build("another passphrase entirely") == "built"
    assert build("another passphrase entirely") == "unchanged"


def test_a_recorded_picture_now_a_symlink_loop_is_a_changed_input_not_a_crash(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("format: 1\n")
    logo = tmp_path / "logo.png"
    logo.symlink_to(logo)  # a picture the last build read, replaced by a link to itself
    outside = tmp_path.parent / "elsewhere.png"
    assert cache.current_uses(plan, [str(logo), str(outside)]) == {str(logo): "unreadable:40", str(outside): "outside"}


def test_a_guide_replaced_by_a_symlink_loop_is_printed_again(tmp_path):
    out = tmp_path / "out" / "plan"
    out.mkdir(parents=True)
    (out / "public.pdf").symlink_to(out / "public.pdf")
    entry = cache.EditionPrint("public", "public.pdf", "key", "0" * 64, False)
    record = cache.Record(key="k", outputs={"public.pdf": "0" * 64}, editions={"public": entry})
    assert cache.reusable_pdf(out, record, "public", "key") is None


@pytest.mark.parametrize("way", ["worker", "command"])
def test_an_unchanged_build_removes_what_a_killed_build_left(setup, way):
    setup.build()
    left = setup.out.with_name(f".{setup.out.name}.999999999.0a1b2c3d.new")
    (left / "private").mkdir(parents=True)
    (left / "private" / "responder.html").write_text("a killed build's half-written set")
    if way == "worker":
        assert setup.build() == "unchanged"
    else:  # the command checks the cache before any worker starts
        [result] = batch.build_many([setup.plan], setup.out.parent, jobs=1)
        assert result.status == "unchanged"
    assert not left.exists()
