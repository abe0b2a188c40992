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
    output = capsys.readouterr().out
    for username in ("enterprise", "researcher", "station", "admin"):
        assert username in output


@pytest.mark.parametrize("username", ["enterprise", "researcher", "station", "admin"])
def test_the_demo_accounts_log_in_with_the_demo_password(client, username):
    call_command("demo_data")
    response = client.post("/accounts/login/", {"username": username, "password": "nongqiao-demo"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
