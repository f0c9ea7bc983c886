"""The ``reportlib`` command: a thin layer over :mod:`reportlib.build`.

Errors reportlib raises on purpose are printed as messages, without a traceback;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from reportlib import __version__
from reportlib.exceptions import ReportlibError
from reportlib.paths import find_project
from reportlib.summary import EXIT_FAILED, EXIT_INTERRUPTED

BUILD_EPILOG = """\
what a build writes to outputs/MEETING/:
  <report>.ipynb, .html, .pdf   each report: executed notebook and its paper (PDF/UA-1)
  <report>.typ.zip              the PDF's Typst source, which the pack compiles again
  <report>.failed.ipynb         only after a failure, with the failing cell marked
  manifest.json, build.log      what was built from what, and the build's log
  pack.pdf                      the public agenda pack: cover, notices, membership, the
                                agenda with page ranges counted from the compiled papers
                                (each entry a link), then the papers in agenda order,
                                paged from 1, with bookmarks; a confidential item shows
                                its 'pages:' of Document is Restricted sheets (made when
                                PDFs are, and the params file has an 'agenda:')
  pack-draft.pdf                the pack instead, when a paper failed or was not built:
                                never publish it; pack.pdf is left as it was
  confidential/pack-confidential.pdf
                                the full pack, only when every confidential item's
                                document is in data/MEETING/confidential/ (never in git);
                                otherwise the build warns that it was not made
  pack.json                     each agenda item's pages in the pack
  index.html                    the review page: every item's status, warnings (with
                                their ids, and whether accepted), build time, links,
                                what changed in each paper since its previous build and
                                the last meeting, key figures, and the sign-off state
  published/                    only after 'reportlib publish MEETING --by NAME': the
                                signed-off pack, papers and signoff.json

A report is built again only when something it depends on changed (its notebook, its
part of the params file, a file it read, reportlib, the engines or the lock), and the
pack and review page only when one of their inputs did; the others say 'up to date'
and keep their files byte for byte. --force builds everything again.

A report that fails does not stop the others; the draft pack shows a 'Paper not
available' sheet in its place, the review page shows the failing cell, and the build
exits 1. Every warning shows its id; accept one with a reason and a name in
data/MEETING/accept.yaml (see the README), and --strict fails while any is not. The
last line says what to do next. A supplied document named in the agenda but missing
or unreadable, or a confidential one committed to git, stops the build before
anything runs. Serve the review page with: reportlib review MEETING
"""


def _options() -> dict[str, argparse.ArgumentParser]:
    """The options commands share, each defined once: ``meeting``, ``build`` (what and
    how to build, for build and preview) and ``serve`` (the port)."""
    from reportlib.render import ENGINES, FORMATS

    meeting = argparse.ArgumentParser(add_help=False)
    meeting.add_argument("meeting", metavar="MEETING", help="meeting id, e.g. 2020-12")
    build = argparse.ArgumentParser(add_help=False)
    build.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="NAME",
        help="build only this report (repeat for several); default: all",
    )
    build.add_argument(
        "--format",
        action="append",
        dest="formats",
        metavar="FORMAT",
        choices=FORMATS,
        help="output format to render (repeat for several); default: "
        f"{' and '.join(FORMATS)}. The executed notebook is "
        "always kept.",
    )
    build.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="how PDFs are made: typst (built in), quarto (quarto render), or auto: "
        "Quarto where it is installed, else Typst (default: auto)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="build every report, the pack and the review page again, even those up to date",
    )
    build.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        metavar="N",
        help="reports to run side by side (default: one per core)",
    )
    serve = argparse.ArgumentParser(add_help=False)
    serve.add_argument("--port", type=int, default=8000, help="port to serve on (default: 8000)")
    return {"meeting": meeting, "build": build, "serve": serve}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportlib",
        description="Build a board meeting's papers from parameterised notebooks.",
        epilog="Run from the project's folder (or set REPORTLIB_ROOT).",
    )
    parser.add_argument("--version", action="version", version=f"reportlib {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    shared = _options()
    meeting, build, serve = shared["meeting"], shared["build"], shared["serve"]

    p = commands.add_parser(
        "build",
        parents=[meeting, build],
        help="run a meeting's notebooks and render its papers, the pack and the review page",
        description="Run each report notebook of MEETING with the parameters in "
        "params/MEETING.yaml and write the results to outputs/MEETING/.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=BUILD_EPILOG,
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 1) when any warning is not accepted in data/MEETING/accept.yaml (for CI)",
    )

    commands.add_parser("list", help="list the meetings and their reports")

    p = commands.add_parser(
        "review",
        parents=[meeting, serve],
        help="write a meeting's review page again and serve it on this machine",
        description="Write outputs/MEETING/index.html again from what the last build left "
        "(no notebook runs), then serve outputs/MEETING/ at http://127.0.0.1:PORT/ until "
        "Ctrl-C. The server listens on this machine only.",
    )
    p.add_argument(
        "--no-serve", action="store_true", help="only write the page and print where it is"
    )
    p.add_argument(
        "--confidential",
        action="store_true",
        help="also serve confidential/ (the full pack); by default it is never served",
    )

    p = commands.add_parser(
        "publish",
        parents=[meeting],
        help="sign off the last build: write outputs/MEETING/published/ with signoff.json",
        description="Copy the public pack and every paper's PDF and HTML into "
        "outputs/MEETING/published/ with signoff.json (the commit, a hash of every file, "
        "the accepted warnings and who signed off). Refuses, saying why, unless every paper "
        "was built, every warning is accepted, nothing changed since the build and the "
        "meeting's inputs are committed. Never publishes anything from confidential/.",
    )
    p.add_argument("--by", default="", metavar="NAME", help="who signs the papers off (required)")

    commands.add_parser(
        "preview",
        parents=[meeting, build, serve],
        help="build a meeting, serve it on this machine, rebuild and reload on every save",
        description="Build MEETING (only what changed), serve outputs/MEETING/ at "
        "http://127.0.0.1:PORT/, and watch its params file, data, words and the notebooks: "
        "on a save, what changed is built again and the open page reloads. A paper that "
        "fails shows the error in its place. The published files hold no script: the "
        "reload hook is added only to what this server sends. It takes build's options.",
    )

    commands.add_parser(
        "check",
        parents=[meeting],
        help="validate a meeting's parameters, data and words; run nothing",
    )

    p = commands.add_parser(
        "new",
        help="start a meeting as a copy of an earlier one",
        description="Create params/MEETING.yaml and data/MEETING/ from the meeting given "
        "with --from: its datasets, sources and words, never its confidential documents. "
        "The date and time are left as TODO unless given; a checklist says what to update.",
    )
    p.add_argument("meeting", metavar="MEETING", help="the new meeting's id, e.g. 2021-03")
    p.add_argument("--from", dest="previous", required=True, metavar="PREVIOUS")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the meeting's date")
    p.add_argument("--time", metavar="HH:MM", help="its start time (default: the previous one's)")
    return parser


def _build_options(args: argparse.Namespace) -> dict[str, object]:
    """The build's options as the command line gave them (build and preview alike)."""
    return {
        "reports": args.report,
        "formats": args.formats,
        "jobs": args.jobs,
        "engine": args.engine,
        "force": args.force,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        project = find_project()
        if args.command == "list":
            return _list(project)
        if args.command == "new":
            return _new(project, args)
        if args.command == "check":
            return _check(project, args.meeting)
        if args.command == "review":
            return _review(project, args)
        if args.command == "publish":
            return _publish(project, args)
        if args.command == "preview":
            from reportlib import preview

            preview.run(project, args.meeting, port=args.port, **_build_options(args))
            return 0
        return _build(project, args)
    except ReportlibError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _list(project) -> int:
    from reportlib.params import load_meeting

    for meeting in project.meetings():
        try:
            config = load_meeting(project, meeting)
        except ReportlibError as error:
            print(f"{meeting}  (invalid: {str(error).splitlines()[0]})")
            continue
        m = config.params.meeting
        print(f"{meeting}  {m.board}, {m.date_long}")
        for name, report in config.params.reports.items():
            print(f"    {name:<20} {report.title}")
    return 0


def _new(project, args: argparse.Namespace) -> int:
    from reportlib.newmeeting import new_meeting, parse_date

    date = parse_date(args.date) if args.date else None
    made = new_meeting(project, args.meeting, args.previous, date=date, time=args.time)
    print(
        f"meeting {made.meeting} started from {args.previous}: "
        f"{project.relative(made.params)} and {project.relative(made.data)}/"
    )
    print("Now:")
    print("\n".join(f"  [ ] {item}" for item in made.checklist))
    return 0


def _check(project, meeting: str) -> int:
    from reportlib import precheck

    found = precheck.report(project, meeting)
    reports = found.config.params.reports
    print(
        f"{meeting}: parameters, data and words are valid "
        f"({len(reports)} reports: {', '.join(reports)})"
    )
    if found.stale:
        print(f"{len(found.stale)} input(s) may be out of date:")
        print("\n".join(f"  {w}" for w in found.stale))
    if found.differ:
        print(f"{len(found.differ)} fact(s) that two papers state differently:")
        print("\n".join(f"  [{w.id}] {w.message}" for w in found.differ))
    return 0


def _review(project, args: argparse.Namespace) -> int:
    from reportlib import review

    page = review.remake(project, args.meeting)
    print(os.path.relpath(page))
    if not args.no_serve:
        review.serve(page.parent, args.port, confidential=args.confidential)
    return 0


def _build(project, args: argparse.Namespace) -> int:
    from reportlib import summary
    from reportlib.build import build

    result = build(project, args.meeting, **_build_options(args))
    return summary.show(result, strict=args.strict)


def _publish(project, args: argparse.Namespace) -> int:
    from reportlib import publish
    from reportlib.params import load_meeting

    config = load_meeting(project, args.meeting)
    made = publish.publish(config, project.output_dir(args.meeting), args.by)
    print(
        f"published meeting {args.meeting}, signed off by {made.signoff['signed_off_by']}: "
        f"{len(made.signoff['files'])} files and {publish.SIGNOFF} in "
        f"{os.path.relpath(made.folder)}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
