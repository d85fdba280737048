"""Command-line: the demo seed, and the README's configuration table."""
from pathlib import Path

from sqlalchemy import func, select

from camp.auth.models import User
from camp.camps.models import Camp, Membership, Role
from camp.config import SETTINGS
from camp.demo import DEMO_PASSWORD, DEMO_SLUG
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus


def _count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_seed_demo_is_realistic_and_idempotent(runner):
    assert runner.invoke(args=["camp", "has-camps"]).output.strip() == "no"
    result = runner.invoke(args=["camp", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "organisator@samskab.dk" in result.output and DEMO_PASSWORD in result.output
    camp = db.session.execute(select(Camp).where(Camp.slug == DEMO_SLUG)).scalar_one()
    assert camp.status.value == "published" and len(camp.programme) >= 10
    assert _count(Registration, Registration.camp_id == camp.id) == 60
    assert _count(Registration, Registration.status == RegistrationStatus.waitlisted) == 10
    assert _count(Membership, Membership.role == Role.staff) == 2
    assert len({r.actor_type for r in db.session.execute(select(Registration)).scalars()}) >= 6
    admin = db.session.execute(select(User).where(User.email == "admin@samskab.dk")).scalar_one()
    assert admin.is_admin and admin.check_password(DEMO_PASSWORD)
    from camp.checkin.models import CheckinEvent, Device
    assert _count(Device) == 2 and _count(CheckinEvent, CheckinEvent.admitted) > 20
    from camp.challenges.models import Challenge, ChallengeStatus, QuestionRequest, \
        RequestStatus
    from camp.teams.models import JoinRequest, Seeker, Team, TeamMember
    here = Challenge.camp_id == camp.id
    assert _count(Challenge, here, Challenge.status == ChallengeStatus.published) == 3
    assert _count(Challenge, here, Challenge.status == ChallengeStatus.submitted) == 1
    assert _count(Team, Team.camp_id == camp.id) == 4
    assert _count(TeamMember, TeamMember.camp_id == camp.id) == 18
    assert _count(Seeker) == 12 and _count(JoinRequest) == 1
    assert _count(QuestionRequest, QuestionRequest.status == RequestStatus.open) == 2
    # Team members and seekers all hold confirmed seats, and nobody is in two teams.
    seated = set(db.session.execute(select(Registration.user_id).where(
        Registration.camp_id == camp.id,
        Registration.status == RegistrationStatus.confirmed)).scalars())
    placed = db.session.execute(select(TeamMember.user_id).where(
        TeamMember.camp_id == camp.id)).scalars().all()
    assert set(placed) <= seated and len(placed) == len(set(placed))
    looking = set(db.session.execute(select(Seeker.user_id)).scalars())
    assert looking <= seated and not looking & set(placed)
    from camp.prototypes.models import Feedback, Prototype, PrototypeRevision
    # The past sprint: three teams submitted, one of them twice; owners gave feedback.
    assert _count(Prototype) == 3 and _count(PrototypeRevision) == 4
    assert _count(Team) == 7 and _count(TeamMember) == 18 + 15
    assert _count(Feedback, Feedback.from_owner) == 2 and _count(Feedback) == 4
    users = _count(User)
    again = runner.invoke(args=["camp", "seed-demo"])
    assert again.exit_code == 0 and _count(User) == users and _count(Camp) == 2
    assert runner.invoke(args=["camp", "has-camps"]).output.strip() == "yes"


def test_readme_documents_every_setting():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    missing = [name for name in SETTINGS if f"`CAMP_{name}`" not in readme]
    assert not missing, missing
