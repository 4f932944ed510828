"""The project documents itself and stands on its own (datasette's tests/test_docs.py does the same):
every relative link in README.md and docs/ leads somewhere, the settings table names every setting
with its default and help, the architecture page names every engine package, and nothing in the
checkout reads outside it."""
from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from engine.store.settings import SETTINGS
from tests.conftest import REPO

DOCS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md"), *(REPO / "tests" / "data").rglob("README.md"),
               *(REPO / "bench").glob("README.md")])
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _relative_links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # code blocks hold no links
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:|#", target)]


@pytest.mark.parametrize("page", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_lead_somewhere(page):
    dead = [target for target in _relative_links(page)
            if not (page.parent / target.split("#")[0]).resolve().exists()]
    assert dead == [], f"{page.relative_to(REPO)} links to what is not in the checkout: {dead}"


def test_docs_exist_and_the_readme_links_every_page():
    readme_links = {(REPO / target).resolve() for target in _relative_links(REPO / "README.md")}
    pages = sorted((REPO / "docs").glob("*.md"))
    assert len(pages) >= 4
    index = {(REPO / "docs" / target).resolve() for target in _relative_links(REPO / "docs" / "README.md")}
    unlinked = [p.name for p in pages if p.resolve() not in index | readme_links and p.name != "README.md"]
    assert unlinked == [], "docs/README.md should list every page of docs/"
    assert (REPO / "docs" / "README.md").resolve() in readme_links


def _settings_table() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (REPO / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"`TERRAIN_[A-Z_]+`", cells[0]):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


def test_the_settings_table_lists_every_setting_with_its_default_and_help():
    table = _settings_table()
    missing = [s.env for s in SETTINGS if s.env not in table]
    assert missing == [], f"README's settings table lacks {missing}"
    unknown = sorted(set(table) - {s.env for s in SETTINGS})
    assert unknown == [], f"README's settings table lists settings that do not exist: {unknown}"
    for setting in SETTINGS:
        default, help_text = table[setting.env]
        assert default == (f"`{setting.default!r}`" if setting.default != "" else "(empty)"), setting.env
        assert help_text.replace("`", "") == setting.help.replace("`", ""), setting.env  # code marks aside


def test_the_architecture_page_names_every_engine_package():
    page = (REPO / "docs" / "architecture.md").read_text()
    packages = sorted(p.parent.relative_to(REPO / "engine").as_posix()
                      for p in (REPO / "engine").rglob("__init__.py") if p.parent != REPO / "engine")
    missing = [name for name in packages if f"{name.split('/')[-1]}/" not in page]
    assert missing == [], f"docs/architecture.md does not place {missing} in the tree"


def test_every_engine_package_says_what_it_owns():
    silent = [str(p.relative_to(REPO)) for p in (REPO / "engine").rglob("__init__.py")
              if not ast.get_docstring(ast.parse(p.read_text()))]
    assert silent == []


def test_modules_stay_small():
    """DESIGN: one concept per module, split before a file passes ~500 lines."""
    sources = [*(REPO / "engine").rglob("*.py"), *(REPO / "ui").glob("*.py"), *(REPO / "pages").glob("*.py"),
               REPO / "app.py"]
    large = {str(p.relative_to(REPO)): n for p in sources if (n := len(p.read_text().splitlines())) > 500}
    assert large == {}


def test_nothing_in_the_checkout_reads_outside_it():
    """A user's clone has no shared folder beside it: no file may point there."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"\.\./shared|parents\[\d\]\s*/\s*[\"']shared[\"']|[\"']shared[\"']\s*/\s*[\"']samples[\"']")
    this_file = Path(__file__).resolve()
    offenders = [name for name in tracked
                 if name.endswith((".py", ".md", ".sh", ".toml", ".txt", ".cfg", ".yml", ".yaml"))
                 and (REPO / name).resolve() != this_file and (REPO / name).is_file()
                 and outside.search((REPO / name).read_text(errors="replace"))]
    assert offenders == []
