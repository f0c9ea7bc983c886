import nbformat

from reportlib.execute import INTERNAL_TAG, execute_report


def run(project, notebook, tmp_path, timeout=60, **parameters):
    staged = tmp_path / f"{notebook}.ipynb"
    source = project.notebooks / f"{notebook}.ipynb"
    result = execute_report(
        notebook,
        source,
        f"notebooks/{notebook}.ipynb",
        {"meeting": "2020-12", **parameters},
        staged,
        timeout=timeout,
    )
    return result, staged


def test_parameters_are_injected_after_the_parameters_cell(project, tmp_path):
    result, _ = run(project, "greets", tmp_path, name="Members", count=3)
    assert result.error is None
    cells = result.notebook.cells
    assert "injected-parameters" in cells[1].metadata.tags
    assert cells[3].outputs[0].text == "Hello Members x3 for 2020-12\n"
    assert not any(INTERNAL_TAG in c.metadata.get("tags", []) for c in cells)


def test_reads_and_warnings_are_collected(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project.root)
    result, _ = run(project, "reads_data", tmp_path)
    assert set(result.reads) == {
        "data/2020-12/sales.csv",
        "data/2020-12/sources.yaml",
        "data/schemas/sales.yaml",
    }
    result, _ = run(project, "warns", tmp_path)
    assert result.warnings[0] == "totals differ by 3"
    assert "cell 3 wrote to stderr" in result.warnings[1]
    assert "deprecated thing" in result.warnings[1]


def test_a_raising_cell_is_named_and_marked(project, tmp_path):
    result, staged = run(project, "raises_error", tmp_path)
    error = result.error
    assert (error.cell, error.first_line, error.ename) == (
        3,
        "# compute the ratio",
        "ZeroDivisionError",
    )
    assert str(error) == (
        "raises_error: notebooks/raises_error.ipynb, cell 3 "
        "('# compute the ratio'): ZeroDivisionError: division by zero"
    )
    kept = nbformat.read(staged, as_version=4)
    assert "An Exception was encountered" in kept.cells[0].source
    assert "papermill-error-cell" in kept.cells[4].source  # the anchor just before the cell
    assert "1 / 0" in kept.cells[5].source


def test_a_hung_cell_times_out(project, tmp_path):
    # 5 s: the kernel's set-up cell (matplotlib, pandas) must finish within the timeout
    result, staged = run(project, "sleeps", tmp_path, timeout=5, seconds=60)
    assert result.error.ename == "Timeout"
    assert result.error.cell == 2
    assert "longer than 5 s" in str(result.error)
    assert result.seconds < 30
    assert "An Exception was encountered" in nbformat.read(staged, as_version=4).cells[0].source


def test_sys_exit_in_a_cell_is_a_cell_error_never_success(project, tmp_path):
    result, staged = run(project, "exits_early", tmp_path)
    assert (result.error.ename, result.error.cell) == ("SystemExit", 3)
    assert "the cells after it never ran" in str(result.error)
    kept = nbformat.read(staged, as_version=4)
    assert "An Exception was encountered" in kept.cells[0].source
    assert "papermill-error-cell" in kept.cells[4].source  # the anchor before the cell


def test_a_notebook_papermill_refuses_is_a_failure_not_a_crash(project, tmp_path):
    result, staged = run(project, "has_no_kernel", tmp_path)
    assert result.error.ename == "ValueError"
    assert "No language found" in str(result.error)
    assert "Kernel > Change Kernel" in str(result.error)
    assert staged.exists()


def test_a_kernel_that_dies_is_named(project, tmp_path):
    result, _ = run(project, "kills_its_kernel", tmp_path)
    assert (result.error.ename, result.error.cell) == ("DeadKernelError", 2)


def _notebook(project, name, *sources):
    cells = [nbformat.v4.new_code_cell('meeting = "2020-12"')]
    cells[0].metadata.tags = ["parameters"]
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernel})
    nbformat.write(nb, project.notebooks / f"{name}.ipynb")


def test_eval_false_does_not_run_the_cell_and_keeps_its_code(project, tmp_path):
    _notebook(project, "skips_a_cell", '#| eval: false\nraise RuntimeError("ran")', "x = 1")
    result, _ = run(project, "skips_a_cell", tmp_path)
    assert result.error is None
    assert result.notebook.cells[2].source == '#| eval: false\nraise RuntimeError("ran")'
    assert result.notebook.cells[2].outputs == []


def test_error_true_lets_only_that_cell_fail(project, tmp_path):
    _notebook(project, "may_fail", '#| error: true\nraise ValueError("shown")', "print('after')")
    result, staged = run(project, "may_fail", tmp_path)
    assert result.error is None
    kept = nbformat.read(staged, as_version=4)
    assert not any("An Exception was encountered" in c.source for c in kept.cells)
    assert kept.cells[3].outputs[0].text == "after\n"

    _notebook(project, "fails_later", "#| error: true\n1 / 0", 'raise KeyError("not allowed")')
    result, _ = run(project, "fails_later", tmp_path)
    assert result.error is not None and result.error.ename == "KeyError"
    assert result.error.cell == 3
