"""A fixture meeting with an agenda, built once per test session and shared.

Its agenda has every kind of item: no paper, a confidential item (whose two-page
document is absent), reports (one of which fails, so that the pack is a draft), a
group heading, a verbal update, a supplied Markdown document and a supplied PDF. Tests
must not change the shared build: copy it with :func:`copy_built` first.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from reportlib.build import BuildResult, build
from reportlib.paths import Project
from reportlib.progress import Progress

from helpers import BASE_PARAMS, REPO

FIXTURE = REPO / "tests" / "fixtures" / "project"

AGENDA_PARAMS = (
    BASE_PARAMS
    + """\
  greets:
    title: A greeting
  reads_data:
    title: Sales
  renders_paper:
    title: "Sales in 2020: <em>an update</em>"
    purpose: For information.
  raises_error:
    title: Broken
agenda:
  - title: Welcome, Apologies and Declarations of Interest
  - title: Confidential minutes of the previous meeting
    confidential: minutes.md
    pages: 2
  - report: renders_paper
  - heading: NON-CONFIDENTIAL ITEMS
  - title: An update on next year - verbal update
    verbal: true
  - title: Improvement activity of other boards
    supplied: boards.md
  - title: A leaflet from a partner
    supplied: leaflet.pdf
  - report: greets
  - report: reads_data
    title: Sales by region
  - report: raises_error
  - title: Any Other Business
front_matter:
  to: Members of the Board
  cc: Named officers for briefing purposes
  notices:
    - heading: Apologies
      text: Please tell your group office if you cannot attend.
    - heading: Group offices
      offices:
        - {group: Conservative, phone: 020 7000 0001, email: cons@example.org}
        - {group: Labour, phone: 020 7000 0002, email: lab@example.org}
    - heading: Contact
      contact: {name: Jo Bloggs, email: jo@example.org, phone: "07000 000000"}
  membership:
    title: Membership 2020/2021
    groups:
      - name: Conservative
        members:
          - {name: Cllr Ann Able, role: Chairman, authority: Somewhere Council}
          - {name: Cllr Bob Baker, authority: Elsewhere Council}
        substitutes:
          - {name: Cllr Cat Cole, authority: Third Council}
      - name: Labour
        members:
          - {name: Cllr Dee Dunn, role: Deputy Chair, authority: Fourth Council}
    observers:
      - {name: Ed Evans}
  next_meeting: {date: 2021-03-05, time: "11:00", note: tbc}
"""
)

SUPPLIED_MARKDOWN = """\
---
title: Improvement activity of other boards
purpose: For information.
summary: What the other boards did.
recommendations: That members note the report.
contact: {name: A Person, position: Adviser, phone: "020 7000 0000", email: a@example.org}
---

## Background

The first numbered paragraph.

The second numbered paragraph.
"""

CONFIDENTIAL_MARKDOWN = """\
---
title: Minutes of the previous meeting
purpose: For decision.
---

## Minutes

Secret minute text that the public pack must never show.
"""

LEAFLET_TYPST = """\
#set page(paper: "a4")
#set text(font: "DejaVu Sans")
= Leaflet page one
#pagebreak()
= Leaflet page two
"""


def leaflet_pdf() -> bytes:
    """A two-page tagged PDF, as a partner might supply."""
    import tempfile

    import typst

    from reportlib import style

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "leaflet.typ"
        source.write_text(LEAFLET_TYPST, encoding="utf-8")
        return typst.compile(
            str(source), font_paths=[str(style.font_dir())], ignore_system_fonts=True
        )


def make_agenda_project(root: Path) -> Project:
    """A copy of the fixture project whose meeting 2020-12 has the agenda above."""
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("outputs"))
    project = Project(root)
    project.params_file("2020-12").write_text(AGENDA_PARAMS, encoding="utf-8")
    supplied = project.data_dir("2020-12") / "supplied"
    supplied.mkdir(parents=True)
    (supplied / "boards.md").write_text(SUPPLIED_MARKDOWN, encoding="utf-8")
    (supplied / "leaflet.pdf").write_bytes(leaflet_pdf())
    return project


@dataclass
class Built:
    project: Project
    result: BuildResult
    log: str

    @property
    def out(self) -> Path:
        return self.project.output_dir("2020-12")


_built: list[Built] = []


def built_meeting(tmp_path_factory) -> Built:
    """The agenda meeting, built once per session (its raises_error report fails)."""
    if not _built:
        project = make_agenda_project(tmp_path_factory.mktemp("packed") / "project")
        stream = io.StringIO()
        result = build(project, "2020-12", progress=Progress(stream, tty=False), engine="typst")
        _built.append(Built(project, result, stream.getvalue()))
    return _built[0]


def copy_built(built: Built, root: Path) -> Project:
    """A copy of the built project, outputs included, to change freely."""
    shutil.copytree(built.project.root, root, ignore=shutil.ignore_patterns(".lock"))
    return Project(root)


#: The agenda without the report that fails: every paper is built, the pack complete.
COMPLETE_PARAMS = AGENDA_PARAMS.replace("  raises_error:\n    title: Broken\n", "").replace(
    "  - report: raises_error\n", ""
)
