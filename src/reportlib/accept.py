"""Accepted warnings: ``data/<meeting>/accept.yaml``, a reviewer's reasons, by warning id.

::

    accept:
      - id: budget/total-other-income            # as the review page shows it
        reason: The breakdown's parts are rounded; finance confirm 13,751.
        by: A Reviewer

An accepted warning is shown on the review page as accepted, with its reason and
name, and is not printed again by the build; ``publish`` and ``build --strict`` refuse
only what is not accepted. An entry whose id names nothing the meeting could warn of,
without a reason or a name, or accepting one id twice is an error with the file and
line, before anything runs; an entry that matches no warning of the last build is
itself a warning, so that acceptances do not outlive what they accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlib import buildwarnings as bw
from reportlib.buildwarnings import BuildWarning
from reportlib.exceptions import DataError, Problem, ReportlibError
from reportlib.params import MeetingConfig
from reportlib.yamlfile import load_yaml

FILE = "accept.yaml"


@dataclass(frozen=True)
class Acceptance:
    id: str
    reason: str
    by: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "reason": self.reason, "by": self.by}


def path(config: MeetingConfig) -> Path:
    return config.project.data_dir(config.id) / FILE


def read(config: MeetingConfig, fact_keys: set[str]) -> tuple[list[Acceptance], list[Problem]]:
    """The meeting's acceptances and every problem in its ``accept.yaml``.

    ``fact_keys``: the declared same facts, the only ``same-fact/`` ids there can be.
    """
    file = path(config)
    if not file.is_file():
        return [], []
    shown = config.project.relative(file)
    try:
        document = load_yaml(file, shown)
    except ReportlibError as error:
        return [], list(getattr(error, "problems", [Problem(shown, str(error))]))
    problems: list[Problem] = []
    top = document.data
    if not isinstance(top, dict) or set(top) != {"accept"} or not isinstance(top["accept"], list):
        problems.append(
            Problem(shown, "must hold one list, 'accept:', of {id, reason, by} entries", None, 1)
        )
        return [], problems
    wheres = {*config.params.reports, bw.PACK}
    found: dict[str, Acceptance] = {}
    for index, entry in enumerate(top["accept"]):
        line = document.line(("accept", index))

        def problem(message: str, line: int | None = line, key: str = f"accept[{index + 1}]"):
            problems.append(Problem(shown, message, key, line))

        if not isinstance(entry, dict):
            problem("each entry is a mapping: id, reason and by")
            continue
        unknown = set(entry) - {"id", "reason", "by"}
        if unknown:
            problem(f"unknown key(s) {', '.join(sorted(unknown))}: an entry has id, reason and by")
        wid, reason, by = (str(entry.get(k) or "").strip() for k in ("id", "reason", "by"))
        where, _, key = wid.partition("/")
        if not bw.ID.fullmatch(wid):
            problem(
                f"id {wid!r} is not a warning id: copy it from the review page "
                "(it looks like budget/total-other-income)"
            )
            continue
        if where == bw.SAME_FACT and key not in fact_keys:
            problem(
                f"id {wid!r} is unknown: {key!r} is not a fact declared in same_facts.yaml"
                + (f" (it declares: {', '.join(sorted(fact_keys))})" if fact_keys else "")
            )
            continue
        if where not in wheres | {bw.SAME_FACT}:
            problem(
                f"id {wid!r} is unknown: {where!r} is not a report of meeting {config.id}, "
                f"'{bw.SAME_FACT}' or '{bw.PACK}' (its reports: {', '.join(config.params.reports)})"
            )
            continue
        if not reason:
            problem(f"accepts {wid} without a reason: say why the warning may stand")
        if not by:
            problem(f"accepts {wid} without a name: say who accepts it ('by:')")
        if wid in found:
            problem(f"accepts {wid} again (first on line {found[wid].line}): keep one entry")
            continue
        if reason and by:
            found[wid] = Acceptance(wid, reason, by, line)
    return list(found.values()), problems


def load(config: MeetingConfig, fact_keys: set[str]) -> list[Acceptance]:
    """The meeting's acceptances; raises :class:`DataError` for any problem in the file."""
    found, problems = read(config, fact_keys)
    if problems:
        raise DataError(problems)
    return found


@dataclass
class Verdict:
    """A build's warnings against the meeting's acceptances."""

    warnings: list[BuildWarning]  # every warning, an acceptance matching nothing included
    accepted: dict[str, Acceptance] = field(default_factory=dict)  # warning id -> acceptance

    @property
    def unaccepted(self) -> list[BuildWarning]:
        return [w for w in self.warnings if w.id not in self.accepted]


def judge(
    config: MeetingConfig,
    warnings: list[BuildWarning],
    acceptances: list[Acceptance],
    built: set[str],
) -> Verdict:
    """Match ``warnings`` with ``acceptances``. ``built``: the reports the manifest records;
    an acceptance for a report never built is left alone, any other that matches no
    warning becomes a warning of its own."""
    ids = {w.id for w in warnings}
    shown = config.project.relative(path(config))
    verdict = Verdict(list(warnings))
    for acceptance in acceptances:
        if acceptance.id in ids:
            verdict.accepted[acceptance.id] = acceptance
        elif acceptance.id.partition("/")[0] in {*built, bw.SAME_FACT, bw.PACK}:
            verdict.warnings.append(
                BuildWarning(
                    f"{bw.ACCEPT}/{bw.slug(acceptance.id)}",
                    f"{shown}, line {acceptance.line}: the acceptance of {acceptance.id} "
                    "matches no warning of the last build: remove it, or correct its id",
                )
            )
    return verdict


def of_build(config: MeetingConfig, out_dir: Path) -> Verdict:
    """The last build's warnings (every report's, the meeting's, the pack's) judged
    against the acceptances in the meeting's files now."""
    from reportlib import manifest, pack, samefacts

    built = manifest.read(out_dir / "manifest.json")
    reports = built.reports
    warnings = [w for name, entry in reports.items() for w in bw.of_report(name, entry)]
    warnings += bw.of_json(built.meeting_warnings)
    info = pack.read_info(out_dir)
    warnings += bw.of_pack([str(m) for m in info.get("warnings", [])])
    facts, _ = samefacts.read(config)
    acceptances, _ = read(config, {f.key for f in facts})
    return judge(config, warnings, acceptances, set(reports))
