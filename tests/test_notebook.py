import pytest

from reportlib.exceptions import ParamsError
from reportlib.notebook import Parameter, declared_parameters, fits, mismatch


def test_declared_parameters_with_types(project):
    found = declared_parameters(project.notebooks / "greets.ipynb")
    assert list(found) == ["meeting", "name", "count", "ratio"]
    assert found["count"] == Parameter("count", 1, int)
    assert found["ratio"].type is float


@pytest.mark.parametrize(
    ("value", "parameter", "expected"),
    [
        (1, Parameter("x", 1.5, float), True),
        (True, Parameter("x", 1, int), False),
        ("a", Parameter("x", None, None), True),
        (None, Parameter("x", None, int), True),
        (None, Parameter("x", 1, int), False),
        ([1], Parameter("x", [], list), True),
        ({"a": 1}, Parameter("x", [], list), False),
        ([25, 26, 27], Parameter("x", [25, 26], list), True),
        ([25, "twenty-six", 27], Parameter("x", [25, 26], list), False),
        ([[1, 2], [3]], Parameter("x", [[1]], list), True),
        ([[1, "2"]], Parameter("x", [[1]], list), False),
        ([1, "a"], Parameter("x", [1, "b"], list), True),
        ({"a": 1, "b": 2}, Parameter("x", {"a": 0}, dict), True),
        ({"a": "1"}, Parameter("x", {"a": 0}, dict), False),
        ([1.5, 2], Parameter("x", [0.5], list), True),
    ],
)
def test_fits(value, parameter, expected):
    assert fits(value, parameter) is expected


def test_mismatch_names_the_item_that_differs():
    assert mismatch([25, "twenty-six", 27], Parameter("x", [25, 26], list)) == ((1,), "int 25")


def test_parameters_cell_must_parse(project):
    path = project.notebooks / "greets.ipynb"
    path.write_text(path.read_text().replace("count: int = 1", "count: int = "))
    with pytest.raises(ParamsError, match="parameters cell is not valid Python"):
        declared_parameters(path)
