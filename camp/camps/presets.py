"""Camp templates: the 24-hour camp and the 3-day Folkemøde-style sprint."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from camp.camps.models import CampFormat, QuestionKind


@dataclass(frozen=True)
class Slot:
    title: object
    start: timedelta  # from the camp's start
    minutes: int
    place: object = ""

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    label: object
    choices: tuple = ()
    required: bool = False
    help_text: object = ""


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


CAMP24 = [
    Slot(_l("Arrival, coffee and check-in"), h(0), 30, _l("Entrance")),
    Slot(_l("Welcome and the day's frame"), h(0.5), 30, _l("Main hall")),
    Slot(_l("The problem owners pitch their challenges"), h(1), 60, _l("Main hall")),
    Slot(_l("Team formation around the challenges"), h(2), 45, _l("Main hall")),
    Slot(_l("Lunch"), h(2.75), 45, _l("Café")),
    Slot(_l("Work session 1: understand the problem"), h(3.5), 150, _l("Team tables")),
    Slot(_l("Talks with problem owners and frontline staff"), h(6), 60, _l("Team tables")),
    Slot(_l("Work session 2: ideas and first prototype"), h(7), 120, _l("Team tables")),
    Slot(_l("Dinner"), h(9), 60, _l("Café")),
    Slot(_l("Night session: build and test the prototype"), h(10), 240, _l("Team tables")),
    Slot(_l("Sleep (quiet rooms open)"), h(14), 390, _l("Quiet rooms")),
    Slot(_l("Breakfast"), h(20.5), 45, _l("Café")),
    Slot(_l("Final polish and pitch rehearsal"), h(21.25), 60, _l("Team tables")),
    Slot(_l("Final pitches for problem owners and jury"), h(22.25), 75, _l("Main hall")),
    Slot(_l("Jury, awards and the way ahead"), h(23.5), 30, _l("Main hall")),
]

SPRINT = [
    Slot(_l("Opening: the problem owners present their challenges"), h(0), 60, _l("Tent")),
    Slot(_l("Drop-in: form teams and explore the challenges"), h(1), 180, _l("Tent")),
    Slot(_l("Talks with citizens at the festival"), h(4.5), 120, _l("Festival area")),
    Slot(_l("Day 2: co-creation workshop"), h(24), 180, _l("Tent")),
    Slot(_l("Day 2: drop-in and prototype building"), h(27.5), 180, _l("Tent")),
    Slot(_l("Day 3: test the prototypes with passers-by"), h(48), 150, _l("Festival area")),
    Slot(_l("Day 3: presentations and agreements on trials in practice"), h(51), 90,
         _l("Tent")),
]


@dataclass(frozen=True)
class Preset:
    format: CampFormat
    label: object
    summary: object
    length: timedelta  # the suggested length when no end is given
    programme: list
    questions: list  # of Question


THEMES = Question(QuestionKind.single, _l("Which kind of challenge interests you most?"),
                  (_l("Welfare and health"), _l("Integration and inclusion"),
                   _l("Climate and the local environment"), _l("Democracy and participation")))


PRESETS = {
    CampFormat.camp24: Preset(
        CampFormat.camp24, _l("24-hour camp (overnight)"),
        _l("24 hours in one building: challenge pitches, team formation, work sessions "
           "through the night, final pitches and the jury the next morning."), h(24), CAMP24, [
            Question(QuestionKind.yesno, _l("Do you want to stay overnight at the venue?"),
                     required=True),
            THEMES,
        ]),
    CampFormat.sprint: Preset(
        CampFormat.sprint, _l("3-day sprint (Folkemøde style)"),
        _l("Three days in a tent at a festival: the problem owners open, people drop in to "
           "work on the challenges and test the prototypes with passers-by."), h(54), SPRINT, [
            Question(QuestionKind.multiple, _l("Which days do you expect to take part?"),
                     (_l("Day 1"), _l("Day 2"), _l("Day 3")), required=True),
            THEMES,
        ]),
    CampFormat.blank: Preset(
        CampFormat.blank, _l("Blank camp"),
        _l("No programme and no questions: you add your own."), h(8), [], []),
}
