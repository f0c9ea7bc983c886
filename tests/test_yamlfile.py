import re

import pytest

from reportlib.exceptions import ParamsError
from reportlib.yamlfile import load_yaml


def load(tmp_path, text):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    return load_yaml(path, "x.yaml")


def test_times_and_dates_stay_text(tmp_path):
    doc = load(tmp_path, "time: 11:00\ndate: 2020-12-17\nn: 12\nf: 1.5\nb: true\n")
    assert doc.data == {"time": "11:00", "date": "2020-12-17", "n": 12, "f": 1.5, "b": True}


def test_lines_of_nested_keys(tmp_path):
    doc = load(tmp_path, "a:\n  b:\n    - x\n    - y\n  c: 1\n")
    assert doc.line(("a", "b", 1)) == 4
    assert doc.line(("a", "c")) == 5
    assert doc.line(("a", "missing")) == 1  # the nearest parent


def test_repeated_key_is_an_error_with_both_lines(tmp_path):
    with pytest.raises(ParamsError, match=r"x.yaml:3: .*'a' appears twice \(first on line 1\)"):
        load(tmp_path, "a: 1\nb: 2\na: 3\n")


def test_invalid_yaml_names_its_line(tmp_path):
    with pytest.raises(ParamsError, match=r"x.yaml:2: is not valid YAML"):
        load(tmp_path, "a: 1\nb: [unclosed\n")


def test_not_utf8(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: \xff\n")
    with pytest.raises(ParamsError, match="not UTF-8"):
        load_yaml(path)


ALIAS_BOMB = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"


@pytest.mark.parametrize(
    ("text", "line", "shown"),
    [
        (ALIAS_BOMB, 1, "anchor &a"),
        ("a: 1\nb: *a\n", 2, "alias *a"),
        ("base: &base {x: 1}\nmore:\n  <<: *base\n", 1, "anchor &base"),
    ],
)
def test_anchors_and_aliases_are_refused_with_their_line(tmp_path, text, line, shown):
    pattern = rf"x.yaml:{line}: is not valid YAML: .*{re.escape(shown)}.*in full"
    with pytest.raises(ParamsError, match=pattern):
        load(tmp_path, text)
