import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import Organisation
from matchmaking.models import ResearchResult, TechnologyNeed

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Organisation.objects.count(),
        TechnologyNeed.objects.count(),
        ResearchResult.objects.count(),
        sorted(TechnologyNeed.objects.values_list("title", flat=True))[:5],
    )


def test_demo_data_builds_the_world_once_and_running_it_again_changes_nothing(capsys):
    call_command("demo_data")
    first = _counts()
    call_command("demo_data")
    assert _counts() == first
    assert first[:3] == (69, 200, 400)
    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"enterprise": 40, "institution": 25, "station": 4}
    # Made-up data is changed by nobody: the audit trail starts empty.
    assert not Organisation.history.exists() and not TechnologyNeed.history.exists()
    output = capsys.readouterr().out
    for username in ("enterprise", "researcher", "station", "admin"):
        assert username in output
    # What adoption changed is not empty (issue #21): confirmed figures, a trial, a contract.
    from matchmaking.models import ContractRegistration, Trial
    from matchmaking.stats import selectors as stats

    changes = stats.FIGURES["adoption-changes"](stats.Filters())
    assert changes["adoptions"] >= 3 and changes["by_unit"]
    assert Trial.objects.filter(status="running").exists()
    assert ContractRegistration.objects.exclude(registration_number="").exists()


@pytest.mark.parametrize("username", ["enterprise", "researcher", "station", "admin"])
def test_the_demo_accounts_log_in_with_the_demo_password(client, username):
    call_command("demo_data")
    response = client.post("/accounts/login/", {"username": username, "password": "nongqiao-demo"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_the_demo_world_has_an_upcoming_fair_with_a_published_agenda(client):
    from django.utils import timezone

    from matchmaking.models import Fair, Meeting, MeetingRequest

    call_command("demo_data")
    call_command("demo_data")
    (fair,) = Fair.objects.all()
    assert fair.first_day > timezone.localdate()
    assert fair.status == "agenda_published"
    assert fair.breaks == [["12:00", "13:30"]]
    assert fair.organisers.get().name == "黔东南州雷山县技术转化服务站"
    assert fair.registrations.count() >= 20
    requests = MeetingRequest.objects.filter(fair=fair)
    assert requests.count() == 40
    assert requests.filter(status="pending").count() == 5
    meetings = Meeting.objects.filter(fair=fair).exclude(status="cancelled")
    assert meetings.count() == 35  # every accepted request found a time and a table
    client.post("/accounts/login/", {"username": "enterprise", "password": "nongqiao-demo"})
    page = client.get(f"/fairs/{fair.pk}/agenda/").content.decode()
    assert "桌" in page or "Table" in page
