"""The house style, in one place: fonts, colours, sizes and number formats.

The HTML stylesheet and the Typst template take their values from here (see
:func:`css_variables` and :func:`typst_variables`), and charts from
:func:`apply_matplotlib`, so a new paper looks like the others by default.
"""

from __future__ import annotations

from pathlib import Path

#: The UK Government Analysis Function's categorical palette, chosen for colour-blind
#: readers and for contrast against white (each at least 3:1 for graphics).
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
DARK_BLUE, MID_BLUE, ORANGE = "#12436D", "#2073BC", "#F46A25"

#: The colours of a chart's series, by how many it has. Hue alone is not enough (the
#: palette's dark blue and dark pink are the same grey in print), so every two colours
#: of one chart differ in lightness by at least :data:`SERIES_MIN_CONTRAST`: two series
#: take the Analysis Function's two-colour pair, a third the mid blue of its sequential
#: palette, whose lightness lies between them. Each series also has its own pattern
#: (:data:`SERIES_HATCHES`).
SERIES_COLOURS = {1: (DARK_BLUE,), 2: (DARK_BLUE, ORANGE), 3: (DARK_BLUE, MID_BLUE, ORANGE)}
SERIES_HATCHES = ("", "////", "...")
MAX_SERIES = len(SERIES_COLOURS)
#: Least luminance contrast (WCAG's ratio) between any two series of one chart, and
#: least difference in grey level (0-255, as greyscale printing computes it).
SERIES_MIN_CONTRAST, SERIES_MIN_GREY_STEP = 1.6, 38
TEXT = "#0B0C0C"
MUTED = "#505A5F"  # 7:1 on white: secondary text such as sources and captions
RULE = "#B1B4B6"
ACCENT = PALETTE[0]
LINK = "#1D70B8"

#: Fonts: the PDF and the charts use DejaVu Sans, which matplotlib ships, so a pip
#: install alone renders them identically everywhere; browsers use their own sans.
PDF_FONT = "DejaVu Sans"
WEB_FONTS = "Arial, 'Helvetica Neue', Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif"
BODY_SIZE_PT = 10.5
#: The smallest text of a printed paper (sources and running header in paper.typ):
#: no text of a chart is smaller, at the width it is printed.
SMALLEST_PT = 8.5
CHART_TEXT_PT, CHART_SOURCE_PT = 9.5, 9.0
#: Charts are drawn at the width they are printed (A4 less paper.typ's 20 mm margins),
#: and again for phones at 288 CSS px (3 in: a 320 px screen less the page's margins),
#: so that neither is scaled down and their text keeps its size.
PRINT_WIDTH_IN = (210 - 2 * 20) / 25.4
PHONE_WIDTH_IN = 3.0
CHART_WIDTH_IN, CHART_HEIGHT_IN = PRINT_WIDTH_IN, 3.4
LANG = "en-GB"


def font_dir() -> Path:
    """Folder of the DejaVu fonts that matplotlib ships (used by Typst)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def css_variables() -> dict[str, str]:
    return {
        "text": TEXT,
        "muted": MUTED,
        "rule": RULE,
        "accent": ACCENT,
        "link": LINK,
        "fonts": WEB_FONTS,
    }


def typst_variables() -> dict[str, str]:
    return {
        "font": PDF_FONT,
        "size": f"{BODY_SIZE_PT}pt",
        "text": TEXT,
        "muted": MUTED,
        "rule": RULE,
        "accent": ACCENT,
    }


def apply_matplotlib() -> None:
    """Chart defaults: palette, font, sizes, light grid, no chart junk."""
    import matplotlib
    from cycler import cycler

    matplotlib.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=PALETTE),
            "font.family": "sans-serif",
            "font.sans-serif": [PDF_FONT],
            "font.size": CHART_TEXT_PT,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelcolor": TEXT,
            "axes.edgecolor": RULE,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": False,
            "text.color": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "figure.figsize": (CHART_WIDTH_IN, CHART_HEIGHT_IN),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "legend.frameon": False,
            "legend.fontsize": CHART_TEXT_PT,
            "hatch.color": "white",
            "hatch.linewidth": 1.2,
            "text.parse_math": False,  # a '$' in a label from data is a pound of text, not maths
        }
    )
