"""README.md is the source of truth; README.zh-CN.md is its translation.

These tests catch drift: a code block, command, link, inline code span or number that changes in
the English README without the translation following, a set-up command that no longer matches
what CI runs, and a link to a file that does not exist.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

INSTALL_RUN = "pip install torch==2.13.0 && pip install -e . && optarena compare"
INSTALL_TEST = 'pip install torch==2.13.0 && pip install -e ".[test]" && python -m pytest -q'
TEST_COMMAND = "python -m pytest -q"

FENCE = re.compile(r"^(```|~~~)")
LINK = re.compile(r"\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u201c\u201d]")


def _read(repo_root: Path, name: str) -> str:
    path = repo_root / name
    assert path.is_file(), f"{name} is missing"
    return path.read_text(encoding="utf-8")


@pytest.fixture
def readme(repo_root: Path) -> str:
    return _read(repo_root, "README.md")


@pytest.fixture
def readme_zh(repo_root: Path) -> str:
    return _read(repo_root, "README.zh-CN.md")


def fenced_blocks(text: str) -> list[str]:
    """Every fenced code block, opening and closing fence lines included, in order."""
    blocks: list[str] = []
    current: list[str] | None = None
    marker = ""
    for line in text.splitlines():
        if current is None:
            match = FENCE.match(line)
            if match:
                marker = match.group(1)
                current = [line]
        else:
            current.append(line)
            if line.strip() == marker:
                blocks.append("\n".join(current))
                current = None
    assert current is None, "unclosed code fence"
    return blocks


def prose(text: str) -> str:
    """The text outside fenced code blocks."""
    kept: list[str] = []
    in_block = False
    marker = ""
    for line in text.splitlines():
        if not in_block and FENCE.match(line):
            in_block, marker = True, FENCE.match(line).group(1)
        elif in_block and line.strip() == marker:
            in_block = False
        elif not in_block:
            kept.append(line)
    return "\n".join(kept)


def link_targets(text: str) -> list[str]:
    """Targets of links and images outside code, in order."""
    return LINK.findall(INLINE_CODE.sub("", prose(text)))


def relative_targets(text: str) -> list[str]:
    return [t for t in link_targets(text) if not re.match(r"^(?:[a-z][a-z0-9+.-]*:|#)", t)]


def inline_code(text: str) -> Counter[str]:
    return Counter(match.group(2) for match in INLINE_CODE.finditer(prose(text)))


def plain_prose(text: str) -> str:
    """Prose without inline code spans and link targets: what a reader reads as words."""
    return LINK.sub("]", INLINE_CODE.sub("", prose(text)))


def headings(text: str) -> list[str]:
    return [line.split(" ", 1)[0] for line in prose(text).splitlines() if re.match(r"#+ ", line)]


def test_code_blocks_identical_and_in_order(readme: str, readme_zh: str) -> None:
    english = fenced_blocks(readme)
    assert english, "README.md has no fenced code blocks"
    chinese = fenced_blocks(readme_zh)
    for index, (en, zh) in enumerate(zip(english, chinese, strict=False)):
        assert en == zh, f"code block {index + 1} differs in README.zh-CN.md:\n{en}\n---\n{zh}"
    assert len(english) == len(chinese), "README.zh-CN.md has a different number of code blocks"


def test_same_structure(readme: str, readme_zh: str) -> None:
    assert headings(readme) == headings(readme_zh)
    table_rows = [
        [len(line.split("|")) for line in prose(text).splitlines() if line.startswith("|")]
        for text in (readme, readme_zh)
    ]
    assert table_rows[0] == table_rows[1]


@pytest.mark.parametrize("command", [INSTALL_RUN, INSTALL_TEST])
def test_setup_commands_are_whole_lines(readme: str, readme_zh: str, command: str) -> None:
    for name, text in (("README.md", readme), ("README.zh-CN.md", readme_zh)):
        assert command in [line.strip() for line in text.splitlines()], f"{name}: {command}"


def test_ci_runs_the_readme_test_command(repo_root: Path) -> None:
    assert INSTALL_TEST.endswith(" && " + TEST_COMMAND)
    ci = _read(repo_root, ".ci/run")
    commands = [line.strip() for line in ci.splitlines() if not line.lstrip().startswith("#")]
    assert [line for line in commands if "pytest" in line] == [TEST_COMMAND]
    installs = [line for line in commands if "pip install" in line]
    assert any("torch==2.13.0" in line for line in installs), installs
    assert any('-e ".[test]"' in line for line in installs), installs


@pytest.mark.parametrize("name", ["README.md", "README.zh-CN.md"])
def test_relative_links_exist(repo_root: Path, name: str) -> None:
    text = _read(repo_root, name)
    targets = relative_targets(text)
    assert targets, f"{name} has no relative links"
    missing = [t for t in targets if not (repo_root / t.split("#", 1)[0]).exists()]
    assert not missing, f"{name} links to missing files: {missing}"


def test_links_match(readme: str, readme_zh: str) -> None:
    english = [t for t in link_targets(readme) if t != "README.zh-CN.md"]
    chinese = link_targets(readme_zh)
    assert chinese[:1] == ["README.md"], "README.zh-CN.md should open with a link to README.md"
    assert chinese[1:] == english


def test_inline_code_and_numbers_match(readme: str, readme_zh: str) -> None:
    assert inline_code(readme_zh) == inline_code(readme)
    english = Counter(NUMBER.findall(plain_prose(readme)))
    chinese = Counter(NUMBER.findall(plain_prose(readme_zh)))
    assert chinese == english, (
        f"only in README.md: {english - chinese}; only in README.zh-CN.md: {chinese - english}"
    )


def test_translation_is_chinese(readme_zh: str) -> None:
    chars = [c for c in plain_prose(readme_zh) if not c.isspace()]
    share = sum(bool(CJK.match(c)) for c in chars) / len(chars)
    assert share > 0.3, f"only {share:.0%} of README.zh-CN.md's prose is CJK"
