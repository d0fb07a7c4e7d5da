"""Start-up shortcuts change nothing but time: the libyaml parser gives PyYAML's values and
errors, and the pieces deferred or cached once per process give the same results."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sample_paths import ROOT

from sentiment.config import load_yaml, parse_yaml
from sentiment.errors import SentimentError

YAML_FILES = sorted(
    p for folder in ("schemas", "examples", "src/sentiment")
    for p in (ROOT / folder).rglob("*.y*ml") if p.suffix in (".yaml", ".yml")
)


def test_the_repository_has_yaml_to_compare():
    assert len(YAML_FILES) >= 10
    assert yaml.__with_libyaml__  # else parse_yaml is PyYAML's pure parser and the rest is moot


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_parse_yaml_gives_safe_load_values(path: Path):
    text = path.read_text(encoding="utf-8")
    expected = yaml.safe_load(text)
    got = parse_yaml(text)
    assert got == expected
    assert repr(got) == repr(expected)  # same types and key order, not only equal values


@pytest.mark.parametrize("text", [
    "a: [1, 2\nb: 3\n",
    "form_id: x\n  fields: 1\n",
    "a: 1\na: 2\n- b\n",
    "key: 'unterminated\n",
    "\tindented: tab\n",
])
def test_parse_yaml_errors_are_pure_pyyaml_errors(text: str):
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as ours:
        parse_yaml(text)
    assert type(ours.value) is type(pure.value)
    assert str(ours.value) == str(pure.value)


def test_load_yaml_error_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "areas.yaml"
    bad.write_text("areas:\n  - code: '01'\n    side: [barat\n", encoding="utf-8")
    with pytest.raises(SentimentError) as caught:
        load_yaml(bad)
    message = str(caught.value)
    assert "\n" not in message and "areas.yaml line " in message


def test_yaml_values_keep_their_types():
    parsed = parse_yaml("d: 2025-02-01\nn: 007\nf: 1.5\nb: yes\ns: '01'\nz: ~\n")
    assert parsed == yaml.safe_load("d: 2025-02-01\nn: 007\nf: 1.5\nb: yes\ns: '01'\nz: ~\n")
    assert type(parsed["d"]).__name__ == "date" and parsed["s"] == "01" and parsed["z"] is None


LAZY_CHILD = r"""
import sys
import sentiment.validate.suite as suite
import great_expectations as gx
names = suite.GX_DEFERRED
# bound, but none of their code has run: their own submodules are not imported
assert all(n in sys.modules for n in names), [n for n in names if n not in sys.modules]
assert "altair.vegalite" not in sys.modules and "scipy.stats._stats_py" not in sys.modules
assert not any(isinstance(f, suite._Deferring) for f in sys.meta_path)  # only during the import
from scipy import stats
assert abs(stats.norm.ppf(0.975) - 1.959963984540054) < 1e-12  # loads on first use, complete
assert "scipy.stats._stats_py" in sys.modules
import altair
assert altair.Chart is not None
import json, urllib.parse  # an ordinary import afterwards is untouched
print("ok")
"""


def test_gx_import_defers_what_the_suites_never_use():
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", LAZY_CHILD], capture_output=True, text=True,
                          env={**os.environ, "GX_ANALYTICS_ENABLED": "false"}, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_deferred_imports_leave_already_imported_modules_alone():
    import sys

    from sentiment.validate.suite import deferred_imports

    before = sys.modules["json"]
    with deferred_imports("json"):
        import json
    assert json is before and type(json).__name__ == "module"
