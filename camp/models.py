"""Imports every model module so metadata (create_all, Alembic) sees all tables."""
from camp.audit import AuditEvent, ConsentEvent  # noqa: F401
from camp.auth.models import User  # noqa: F401
from camp.camps.models import Camp, Invitation, Membership, ProgrammeItem, \
    RegistrationQuestion  # noqa: F401
from camp.registrations.models import Registration  # noqa: F401
from camp.checkin.models import CheckinEvent, Device  # noqa: F401
from camp.challenges.models import Challenge, ChallengeOwner, ChallengeResource, \
    ChallengeValue, QuestionRequest  # noqa: F401
from camp.teams.models import JoinRequest, Seeker, Team, TeamMember  # noqa: F401
from camp.badges.models import BadgeJob, BadgeSettings  # noqa: F401
from camp.prototypes.models import Feedback, Prototype, PrototypeFile, \
    PrototypeRevision  # noqa: F401
from camp.judging.models import Criterion, JuryAssignment, Score, Vote  # noqa: F401
from camp.gallery.models import BookletJob  # noqa: F401
from camp.charters.models import Charter, CharterComment, CharterEditor, CharterVersion, \
    Clause, Proposal, Section, Signature, Stance  # noqa: F401
from camp.trials.models import CommitmentRevision, EvaluationAnswer, EvaluationRound, \
    Follower, Milestone, Party, ReminderSent, Review, Trial, TrialPhoto, TrialPrototype, \
    TrialUpdate  # noqa: F401
from camp.api.models import ApiToken  # noqa: F401
