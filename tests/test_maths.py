"""TeX maths: pandoc's dollars for the PDF, MathML for the HTML, no script anywhere."""

import pypandoc
import pytest

from reportlib import maths

FORMULAS = {
    "fraction": (r"$\frac{a}{b}$", "<mfrac><mi>a</mi><mi>b</mi></mfrac>", "a / b"),
    "root": (r"\(\sqrt{x}\)", "<msqrt><mi>x</mi></msqrt>", "sqrt(x)"),
    "sum": (r"$$\sum_{i=1}^{n} i$$", "<munderover><mo>∑</mo>", "sum_(i = 1)^n i"),
    "display": (r"\[E = mc^2\]", "<msup><mi>c</mi><mn>2</mn></msup>", "E = m c^2"),
    "align": (
        "\\begin{align}\na &= b + c \\\\\nd &= e\n\\end{align}",
        "<mtable><mtr>",
        "a & = b + c\\\nd & = e",
    ),
}


@pytest.mark.parametrize("name", FORMULAS)
def test_standard_formulas_become_mathml_and_typst(name):
    tex, mathml, typst = FORMULAS[name]
    text = maths.normalise(f"Before {tex} after.")
    tokened, restore, problems = maths.protect(text)
    assert not problems and "\\" not in tokened
    page = restore(tokened)
    assert "<math" in page and mathml in page
    source = pypandoc.convert_text(text, "typst", format="markdown")
    assert typst in source


def test_money_code_and_escaped_dollars_are_not_maths():
    text = "It cost $5 and $10.\n\n`$x$` is code, \\$y\\$ is escaped.\n\n```\n$$z$$\n```"
    assert maths.formulas(maths.normalise(text)) == []


def test_a_formula_never_spans_paragraphs():
    assert maths.formulas("a $b\n\nc$ d") == []


def test_bad_tex_is_a_problem_shown_as_its_source():
    tokened, restore, problems = maths.protect(r"Oops $\frac{a$ here.")
    assert problems == ["the formula '\\\\frac{a' is not TeX that pandoc can read"]
    assert "<code>\\frac{a</code>" in restore(tokened)


def test_an_environment_inside_display_dollars_is_left_alone():
    text = "$$\\begin{aligned}a &= b\\end{aligned}$$"
    assert maths.normalise(text) == text
