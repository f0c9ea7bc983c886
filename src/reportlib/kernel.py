"""Set-up run inside each report's kernel before the analyst's first cell.

It makes figures deterministic (same bytes for the same data: fixed SVG ids, no
timestamps), gives every DataFrame and Styler the house table's HTML and Markdown
forms (the Markdown is what the PDF route uses), and applies a cell's ``fig-width`` and
``fig-height`` options to the figures it draws.
"""

from __future__ import annotations

import functools
from typing import Any


def setup() -> None:
    import matplotlib
    from IPython import get_ipython

    from reportlib import style

    style.apply_matplotlib()
    matplotlib.rcParams["svg.hashsalt"] = "reportlib"  # ids from content, not random
    matplotlib.rcParams["svg.fonttype"] = "path"  # text as shapes: same look everywhere

    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    # Keyword arguments reach savefig: no creation date in the SVG.
    set_matplotlib_formats("svg", metadata={"Date": None}, bbox_inches="tight")
    register_tables(shell.display_formatter)
    default = tuple(matplotlib.rcParams["figure.figsize"])
    shell.events.register("pre_run_cell", functools.partial(_figure_size, default))


def register_tables(display_formatter: Any) -> None:
    """Show DataFrames and Stylers as house tables in both formats.

    Registered by the classes themselves, not by module path: pandas moves its classes
    between modules from version to version (``pandas.core.frame`` became ``pandas``).
    """
    import pandas as pd
    from pandas.io.formats.style import Styler

    from reportlib.tables import Table

    for mime, method in (("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_")):
        formatter = display_formatter.formatters[mime]
        formatter.for_type(pd.DataFrame, lambda obj, m=method: getattr(Table.of_frame(obj), m)())
        formatter.for_type(Styler, lambda obj, m=method: getattr(Table.of_styler(obj), m)())


def _figure_size(default: tuple[float, float], info: Any) -> None:
    """Before each cell: figures at the cell's ``fig-width``/``fig-height`` (inches), if any."""
    import matplotlib

    from reportlib import cellopts

    try:
        options = cellopts.parse(info.raw_cell or "")
    except cellopts.CellOptionsError:
        options = {}  # reported, with the cell's number, when the paper is rendered
    width, height = default
    size = cellopts.figure_size(options)
    matplotlib.rcParams["figure.figsize"] = (size[0] or width, size[1] or height)
