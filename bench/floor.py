"""The floor: every report notebook's code run once, in one process, nothing rendered.

    .venv/bin/python bench/floor.py PROJECT MEETING

The cells run as plain Python in one interpreter, each notebook in a fresh namespace
with its parameters set: no kernel, no papermill, no HTML or PDF. No build can be
faster than this; ``bench_build.py`` times it as a whole process.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    root, meeting = Path(sys.argv[1]), sys.argv[2]
    sys.path.insert(0, str(root / "src"))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reportlib.params import load_meeting
    from reportlib.paths import Project

    os.environ["REPORTLIB_ROOT"] = str(root)
    os.chdir(root)
    config = load_meeting(Project(root), meeting)
    for name in config.params.reports:
        notebook = json.loads(config.notebook_path(name).read_text(encoding="utf-8"))
        namespace: dict = {"__name__": f"floor_{name}"}
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                if "parameters" in cell.get("metadata", {}).get("tags", []):
                    exec(source, namespace)
                    namespace.update(config.notebook_parameters(name))
                    continue
                exec(compile(source, f"{name}.ipynb", "exec"), namespace)
        plt.close("all")


if __name__ == "__main__":
    main()
