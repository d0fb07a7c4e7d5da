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
