"""The sign-off verdict of a build record: its warnings against the meeting's acceptances.

The build works the verdict out once from the record it holds and hands both to the
review page and ``publish``; anything that starts from the files (the review page made
again, ``publish`` in a later process) loads the record once and calls :func:`of_record`.
"""

from __future__ import annotations

from reportlib import accept
from reportlib import buildwarnings as bw
from reportlib.buildwarnings import BuildWarning
from reportlib.manifest import Manifest
from reportlib.params import MeetingConfig


def warnings(record: Manifest) -> list[BuildWarning]:
    """Every warning the record holds: each report's, the meeting's and the pack's."""
    found = [w for name, entry in record.reports.items() for w in bw.of_report(name, entry)]
    found += bw.of_json(record.meeting_warnings)
    found += bw.of_pack(list(record.pack_info.warnings))
    return found


def acceptances(config: MeetingConfig) -> list[accept.Acceptance]:
    """The meeting's acceptances as its files hold them now (problems are the checks')."""
    from reportlib import samefacts

    facts, _ = samefacts.read(config)
    return accept.read(config, {f.key for f in facts})[0]


def of_record(
    config: MeetingConfig,
    record: Manifest,
    accepted: list[accept.Acceptance] | None = None,
) -> accept.Verdict:
    """``record``'s warnings judged against ``accepted`` (default: the meeting's files now)."""
    if accepted is None:
        accepted = acceptances(config)
    return accept.judge(config, warnings(record), accepted, set(record.reports))
