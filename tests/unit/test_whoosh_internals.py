"""Whoosh's private names stay behind one door (``search_app/index/whoosh_internals.py``), which
refuses a Whoosh it was not written for; no module of ours imports another's private names."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import warnings
from functools import cache
from pathlib import Path

import pytest
import whoosh

from search_app.index.whoosh_internals import EXPECTED_WHOOSH, WhooshVersionError, check_whoosh_version

from ..conftest import REPO_ROOT

DOOR = REPO_ROOT / "search_app" / "index" / "whoosh_internals.py"
CHECKED_FOLDERS = ("search_app", "scripts", "benchmarks")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@cache
def whoosh_private_names() -> frozenset[str]:
    """Every private name Whoosh's sources define or use: attributes, methods, module names."""
    names = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        with warnings.catch_warnings():  # Whoosh's own sources have invalid escapes
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name):
                names.add(node.id)
    return frozenset(filter(_private, names))


def _whoosh_names(tree: ast.Module) -> set[str]:
    """The names a module binds to things imported from Whoosh (``formats``, ``SegmentWriter``)
    or from the door (whose classes are Whoosh's, subclassed)."""
    bound = set()
    for node in ast.walk(tree):
        module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
        if module.split(".")[0] == "whoosh" or module.endswith("whoosh_internals"):
            bound.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            bound.update(alias.asname or alias.name.split(".")[0] for alias in node.names
                         if alias.name.split(".")[0] == "whoosh")
    return bound


def whoosh_private_uses(source: str) -> list[str]:
    """Where a module's source touches a private Whoosh name: imports it, reads or sets it on an
    object (``matcher._data``, ``getattr(column, "_dbfile")``), passes it as a keyword (``_lk``),
    or, in a subclass of a Whoosh class, uses or overrides one on ``self``."""
    tree = ast.parse(source)
    privates = whoosh_private_names()
    from_whoosh = _whoosh_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            found += [f"line {node.lineno}: imports {alias.name}" for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Attribute) and node.attr in privates:
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner not in ("self", "cls"):
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call):
            found += [f"line {node.lineno}: {keyword.arg}=" for keyword in node.keywords
                      if keyword.arg and _private(keyword.arg)]
            if (isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr", "hasattr")
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
                    and node.args[1].value in privates):
                found.append(f"line {node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
        elif isinstance(node, ast.ClassDef) and any(_base_name(base) in from_whoosh for base in node.bases):
            found += _private_uses_on_self(node, privates)
    return found


def _base_name(base: ast.expr) -> str | None:
    while isinstance(base, ast.Attribute):
        base = base.value
    return base.id if isinstance(base, ast.Name) else None


def _private_uses_on_self(subclass: ast.ClassDef, privates: frozenset[str]) -> list[str]:
    """A Whoosh subclass's uses of Whoosh's private names on ``self``, and its overrides of them.
    Private attributes the subclass sets itself in ``__init__`` are its own."""
    own = {target.attr for method in subclass.body if isinstance(method, ast.FunctionDef) and method.name == "__init__"
           for node in ast.walk(method) if isinstance(node, (ast.Assign, ast.AnnAssign))
           for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
           for target in ast.walk(target) if isinstance(target, ast.Attribute)}
    found = []
    for node in ast.walk(subclass):
        if isinstance(node, ast.FunctionDef) and node.name in privates:
            found.append(f"line {node.lineno}: overrides {subclass.name}.{node.name}")
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
                and node.attr in privates and node.attr not in own):
            found.append(f"line {node.lineno}: self.{node.attr} in {subclass.name}")
    return found


def private_imports_of_ours(source: str) -> list[str]:
    """Private names a module imports from another module of the project."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "search_app"):
            found += [f"line {node.lineno}: from {'.' * node.level}{node.module or ''} import {alias.name}"
                      for alias in node.names if _private(alias.name)]
    return found


def _modules() -> list[Path]:
    return sorted(path for folder in CHECKED_FOLDERS for path in (REPO_ROOT / folder).rglob("*.py"))


def test_the_installed_whoosh_is_the_one_the_internals_were_written_for():
    assert whoosh.versionstring() == EXPECTED_WHOOSH
    check_whoosh_version(whoosh.versionstring())  # no error


def test_another_whoosh_version_is_refused_naming_both_versions():
    with pytest.raises(WhooshVersionError) as refused:
        check_whoosh_version("2.8.0")
    message = str(refused.value)
    assert "2.8.0" in message and f"whoosh-reloaded {EXPECTED_WHOOSH}" in message
    assert "whoosh_internals.py" in message


def test_the_app_does_not_start_under_another_whoosh_and_says_why():
    code = ("import whoosh\n"
            "whoosh.versionstring = lambda build=True, extra=True: '3.0.1'\n"
            "import search_app.index.postings\n")
    ran = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert ran.returncode != 0
    assert "WhooshVersionError" in ran.stderr
    assert "3.0.1" in ran.stderr and EXPECTED_WHOOSH in ran.stderr


def test_the_checks_find_private_uses():
    # The guards below would pass vacuously if the checks found nothing: each kind of use is caught.
    source = textwrap.dedent("""
        from whoosh.system import _INT_SIZE
        from whoosh.writing import SegmentWriter
        from .analyzers import _POSSESSIVE, WORD_PATTERN
        from search_app.text import _helper

        class Writer(SegmentWriter):
            def __init__(self, ix):
                super().__init__(ix, _lk=False)
                self._mine = 1

            def _finish(self):
                self._check_state()
                return self._mine

        from ..index.whoosh_internals import SegmentWriterBase

        class Ours(SegmentWriterBase):
            def add(self):
                self._added = True

        def blocks(matcher, column):
            return matcher._data, getattr(column, "_dbfile", None)
        """)
    uses = "\n".join(whoosh_private_uses(source))
    for expected in ("imports _INT_SIZE", "_lk=", "overrides Writer._finish", "self._check_state",
                     "self._added in Ours", "._data", "'_dbfile'"):
        assert expected in uses
    assert "_mine" not in uses
    assert [use.split("import ")[1] for use in private_imports_of_ours(source)] == ["_POSSESSIVE", "_helper"]


def test_only_whoosh_internals_touches_a_whoosh_private_name():
    found = {str(path.relative_to(REPO_ROOT)): uses for path in _modules() if path != DOOR
             if (uses := whoosh_private_uses(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_no_module_imports_another_modules_private_names():
    found = {str(path.relative_to(REPO_ROOT)): uses for path in _modules()
             if (uses := private_imports_of_ours(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_door_itself_holds_the_private_uses():
    # If this found none, the scan above would not be looking at what the door hides.
    assert len(whoosh_private_uses(DOOR.read_text(encoding="utf-8"))) > 20


def test_blocks_are_minified_as_whoosh_minifies_them():
    """The block writer's own id gaps and weight summary (C-level counts, no generator a posting)
    are what Whoosh's postings writer puts in a block, value and type, for every kind of block."""
    import random

    from whoosh.codec.whoosh3 import W3PostingsWriter

    from search_app.index.whoosh_internals import BlockPostingsWriter

    class Block:
        _byteids = False

    generator = random.Random(18)
    for _ in range(5_000):
        size = generator.randrange(1, 129)
        block = Block()
        block._ids = sorted(generator.sample(range(100_000), size))
        kind = generator.randrange(3)  # all 1.0, all one other weight, mixed
        block._weights = ([1.0] * size if kind == 0 else [float(generator.randrange(2, 5))] * size if kind == 1
                          else [float(generator.randrange(1, 4)) for _ in range(size)])
        assert BlockPostingsWriter._mini_ids(block) == W3PostingsWriter._mini_ids(block)
        ours, whooshs = BlockPostingsWriter._mini_weights(block), W3PostingsWriter._mini_weights(block)
        assert ours == whooshs and type(ours) is type(whooshs)
