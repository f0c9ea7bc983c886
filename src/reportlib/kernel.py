"""Set-up run inside each report's kernel before the analyst's first cell.

It makes figures deterministic (same bytes for the same data: fixed SVG ids, no
timestamps) and gives every DataFrame a Markdown form, which the PDF route uses.
"""

from __future__ import annotations


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
    markdown = shell.display_formatter.formatters["text/markdown"]
    markdown.for_type_by_name("pandas.core.frame", "DataFrame", _frame_markdown)


def _frame_markdown(frame) -> str:
    from reportlib.tables import Table

    return Table(frame)._repr_markdown_()
