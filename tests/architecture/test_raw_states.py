"""No state is written as a raw string outside its enum (issue #19).

Every state machine lives in a `states.py` next to its table of moves; code that compares,
filters or sets a state names the enum member. A typo in a raw string ("cancelled" for
"canceled") silently matches nothing, and a newcomer renaming a state would miss it. This test
reads the app code (not tests, not migrations, not the Django-free libraries) and the raw SQL
in it, and names each place a state is spelt out.
"""

import ast
import re
from pathlib import Path

from accounts.enums import MembershipStatus
from matchmaking.fairs.states import FairStatus, MeetingStatus, RequestStatus, ScheduleRunStatus
from matchmaking.impact.states import EvidenceStatus, MilestoneStatus, TrialStatus
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.matches.states import ContactStatus, MatchState, RunStatus

ROOT = Path(__file__).resolve().parents[2]
ENUMS = (
    NeedStatus,
    ResultStatus,
    MatchState,
    ContactStatus,
    RunStatus,
    FairStatus,
    RequestStatus,
    MeetingStatus,
    ScheduleRunStatus,
    MembershipStatus,
    EvidenceStatus,
    TrialStatus,
    MilestoneStatus,
)
STATES = {value for enum in ENUMS for value in enum.values if value}
# A keyword argument or attribute that holds a state: state=, status__in=, to=, …
STATE_NAME = re.compile(r"^(.*__)?(state|status|contact_status|to|expected_state)(__in|__exact)?$")
SQL_STATE = re.compile(r"\b(state|status)\b[^;]*'(" + "|".join(sorted(STATES)) + r")'")


def app_files():
    for folder in ("matchmaking", "accounts", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if parts & {"migrations", "matching", "scheduling"} or path.name == "states.py":
                continue
            yield path


def _state_literals(node) -> list[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in STATES:
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [x for element in node.elts for x in _state_literals(element)]
    return []


def _names_a_state(node) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return bool(STATE_NAME.match(name or ""))


def raw_states(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        literals = []
        if isinstance(node, ast.keyword) and node.arg and STATE_NAME.match(node.arg):
            literals = _state_literals(node.value)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_names_a_state(side) for side in sides):
                literals = [x for side in sides for x in _state_literals(side)]
        elif isinstance(node, ast.Assign) and any(_names_a_state(t) for t in node.targets):
            literals = _state_literals(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = SQL_STATE.search(node.value)
            if match:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: SQL '{match.group(2)}'")
        found += [f"{path.relative_to(ROOT)}:{x.lineno}: {x.value!r}" for x in literals]
    return found


def test_the_detector_finds_each_kind_of_raw_state(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "Match.objects.filter(state='declined')\n"
        "if run.status != 'running': pass\n"
        "run.status = 'preview'\n"
        "Meeting.objects.exclude(status__in=('cancelled', 'held'))\n"
        "SQL = \"WHERE state NOT IN ('declined', 'withdrawn')\"\n"
        "counts = {'adopted': 0}\n"  # a dict key is not a state
        "Match.objects.filter(state=MatchState.DECLINED)\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = raw_states(sample)
    finally:
        ROOT = saved
    assert sorted(int(line.split(":")[1]) for line in found) == [1, 2, 3, 4, 4, 5]


def test_no_state_is_spelt_out_in_the_app_code():
    found = sorted(line for path in app_files() for line in raw_states(path))
    assert found == [], "states written as raw strings (use the enum):\n" + "\n".join(found)
