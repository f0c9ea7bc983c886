"""Quarto cell options: parsed, checked and reported by name."""

import pytest

from reportlib import cellopts


def test_defaults_without_options():
    assert cellopts.parse("x = 1") == cellopts.DEFAULTS


def test_options_over_defaults():
    found = cellopts.parse("#| eval: false\n#| fig-width: 3\n#| echo: fenced\nx = 1")
    assert found["eval"] is False and found["fig-width"] == 3 and found["echo"] == "fenced"
    assert cellopts.figure_size(found) == (3, None)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("#| eval: maybe", "cell option 'eval' is 'maybe'; it takes bool"),
        ("#| fig-width: wide", "'fig-width' is 'wide'; it takes int or float"),
        ("#| fig-width: true", "'fig-width' is True"),
        ("#| output: [1]", "it takes bool or 'asis'"),
        ("#| echo: : :", "not valid YAML"),
        ("#| just words", "must be 'key: value' lines"),
    ],
)
def test_bad_values_are_refused_saying_what_the_option_takes(line, message):
    with pytest.raises(cellopts.CellOptionsError, match=message.replace("(", r"\(")):
        cellopts.parse(line + "\nx = 1")


def test_unknown_options_are_listed():
    assert cellopts.unknown(cellopts.parse("#| code-fold: true\n#| lst-cap: x\n1")) == [
        "code-fold",
        "lst-cap",
    ]


def test_echoed_code_leaves_out_the_options_unless_fenced():
    source = "#| echo: true\n#| label: x\ntotal = 1\nprint(total)"
    assert cellopts.code(source, cellopts.parse(source)) == "total = 1\nprint(total)"
    fenced = source.replace("true", "fenced")
    assert cellopts.code(fenced, cellopts.parse(fenced)) == fenced
