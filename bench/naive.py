"""The naive per-notebook pipeline, for comparison: one process per step, per notebook.

    .venv/bin/python bench/naive.py PROJECT MEETING OUT

For each report of MEETING: ``papermill`` (its CLI) runs the notebook with the meeting's
parameters, ``jupyter nbconvert --to html --no-input`` renders the HTML, and pandoc then
Typst (the same PDF engine as reportlib's) make the PDF. This is what a Makefile
around the tools would do; it is timed by ``bench_build.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
_TYPST = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3])"


def run(*command: str | Path, cwd: Path) -> None:
    subprocess.run([str(c) for c in command], cwd=cwd, check=True, capture_output=True)


def main() -> None:
    root, meeting, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    sys.path.insert(0, str(root / "src"))
    import pypandoc

    from reportlib.params import load_meeting
    from reportlib.paths import Project

    config = load_meeting(Project(root), meeting)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["REPORTLIB_ROOT"] = str(root)
    for name in config.params.reports:
        executed = out / f"{name}.ipynb"
        parameters = out / f"{name}.params.json"
        parameters.write_text(json.dumps(config.notebook_parameters(name)))
        run(BIN / "papermill", config.notebook_path(name), executed, "-f", parameters, cwd=root)
        run(BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed, cwd=out)
        source = out / f"{name}.typ"
        run(
            pypandoc.get_pandoc_path(),
            executed,
            "--to",
            "typst",
            "--standalone",
            "--extract-media",
            f"{name}_media",  # relative: Typst reads it from the folder
            "-o",
            source,
            cwd=out,
        )
        run(sys.executable, "-c", _TYPST, source, out / f"{name}.pdf", out, cwd=out)


if __name__ == "__main__":
    main()
