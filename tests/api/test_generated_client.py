"""A client generated from /api/schema/ works as generated, against a live server.

openapi-python-client (the most used Python generator) writes the client into a temporary
folder once per module; the tests import it unmodified and walk a program's usual journey:
a token, who am I, a search, my needs, a need's matches, one match. Every answer must parse
into the generated typed models with the values the factories put in the database.

When the schema declared each body as JSON, form and multipart at once (DRF's default parsers),
the generated modules did not import (`Unset` undefined) and each call sent all three bodies
with a wrong Content-Type: the API reads JSON only (config/api_parsers.py).
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import pkgutil
import subprocess
import sys

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from accounts.enums import OrganisationKind
from matchmaking.models import Match
from tests.conftest import require
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

PACKAGE = "nongqiao_api_client"
PASSWORD = "pw-Nongqiao-2026"  # tests/factories.py UserFactory


def _forget_package() -> None:
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory, django_db_blocker):
    """The generated client package, imported from a temporary folder, untouched."""
    require(
        importlib.util.find_spec("openapi_python_client") is not None,
        "openapi-python-client: pip install -e '.[dev]'",
    )
    folder = tmp_path_factory.mktemp("generated-client")
    config = folder / "config.yaml"
    # No post-generation hooks: they would run ruff over the code, and the code must work as
    # the generator writes it.
    config.write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n")
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--url",
        f"{live_server.url}/api/schema/",
        "--config",
        str(config),
        "--meta",
        "none",
        "--output-path",
        str(folder / PACKAGE),
        "--fail-on-warning",
    ]
    with django_db_blocker.unblock():  # the live server answers from the test database
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    _forget_package()
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        _forget_package()


def test_every_generated_module_imports(generated):
    names = [m.name for m in pkgutil.walk_packages(generated.__path__, f"{PACKAGE}.")]
    for name in names:
        importlib.import_module(name)
    assert f"{PACKAGE}.api.v1.v1_auth_token_create" in names
    assert f"{PACKAGE}.models.match" in names


def test_the_schema_declares_every_request_body_as_json_only():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    bodies = {
        f"{method.upper()} {path}": sorted(operation["requestBody"]["content"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if "requestBody" in operation
    }
    assert "POST /api/v1/auth/token/" in bodies
    assert {op: media for op, media in bodies.items() if media != ["application/json"]} == {}


def at(hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, hour, tzinfo=datetime.UTC)


@pytest.fixture
def world(committed_db):
    """An enterprise member with two needs, another enterprise's need, a result, two matches."""
    enterprise = OrganisationFactory(name="雷山县茶果专业合作社")
    user = member_of(enterprise, username="leishan", full_name="杨秀英")
    kiwi = NeedFactory(
        organisation=enterprise,
        created_by=user,
        title="猕猴桃冷链保鲜需求",
        published_at=at(9),
    )
    tea = NeedFactory(
        organisation=enterprise,
        created_by=user,
        title="茶叶烘干设备需求",
        description="春茶烘干不均匀，想找温控烘干设备",
        keywords="茶叶 烘干",
        published_at=at(8),
    )
    elsewhere = NeedFactory(title="猕猴桃分级包装需求", published_at=at(10))
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, name="西北农林科技大学")
    cold_chain = ResultFactory(organisation=institution, title="果蔬产地预冷与冷链温控技术")
    grading = ResultFactory(organisation=institution, title="猕猴桃无损分级技术")
    first = Match.objects.create(
        need=kiwi,
        result=cold_chain,
        score=0.6,
        text_score=0.5,
        structured_score=0.8,
        matcher_version="t",
        rank_for_need=1,
        explanation={"terms": [["猕猴桃", 0.4]], "fits": {}},
    )
    second = Match.objects.create(
        need=kiwi,
        result=grading,
        score=0.3,
        text_score=0.25,
        structured_score=0.4,
        matcher_version="t",
        rank_for_need=2,
        explanation={"terms": [["猕猴桃", 0.2]], "fits": {}},
    )
    return {
        "user": user,
        "enterprise": enterprise,
        "needs": {"kiwi": kiwi, "tea": tea, "elsewhere": elsewhere},
        "results": {"cold_chain": cold_chain, "grading": grading},
        "matches": [first, second],
    }


def test_a_program_s_journey_through_the_generated_client(generated, live_server, world):
    v1 = importlib.import_module(f"{PACKAGE}.api.v1")
    models = importlib.import_module(f"{PACKAGE}.models")
    for name in [
        "v1_auth_token_create",
        "v1_me_retrieve",
        "v1_needs_list",
        "v1_needs_matches_list",
        "v1_matches_retrieve",
    ]:
        importlib.import_module(f"{v1.__name__}.{name}")
    user = world["user"]
    sent = []

    def record(request):
        sent.append((request.method, request.url.path, request.headers.get("Content-Type")))

    with generated.Client(
        base_url=live_server.url,
        raise_on_unexpected_status=True,
        httpx_args={"event_hooks": {"request": [record]}},
    ) as anonymous:
        answer = v1.v1_auth_token_create.sync_detailed(
            client=anonymous, body=models.AuthTokenRequest(username="leishan", password=PASSWORD)
        )
    assert answer.status_code == 200, answer.content
    # One body, as JSON: not a form, a multipart body and JSON at once.
    assert sent == [("POST", "/api/v1/auth/token/", "application/json")]
    assert isinstance(answer.parsed, models.AuthToken)
    assert answer.parsed.token == Token.objects.get(user=user).key

    with generated.AuthenticatedClient(
        base_url=live_server.url,
        token=answer.parsed.token,
        prefix="Token",
        raise_on_unexpected_status=True,
    ) as client:
        walk_the_journey(v1, models, client, world)


def walk_the_journey(v1, models, client, world):
    user, needs = world["user"], world["needs"]
    first, second = world["matches"]

    me = v1.v1_me_retrieve.sync_detailed(client=client)
    assert me.status_code == 200, me.content
    assert isinstance(me.parsed, models.Me)
    assert (me.parsed.id, me.parsed.username, me.parsed.full_name) == (
        user.pk,
        "leishan",
        "杨秀英",
    )
    [membership] = me.parsed.memberships
    assert isinstance(membership, models.Membership)
    assert isinstance(membership.organisation, models.OrganisationBrief)
    assert (membership.organisation.id, membership.organisation.name) == (
        world["enterprise"].pk,
        "雷山县茶果专业合作社",
    )
    assert membership.organisation.kind == models.KindEnum.ENTERPRISE

    found = v1.v1_needs_list.sync_detailed(client=client, q="猕猴桃")
    assert found.status_code == 200, found.content
    assert isinstance(found.parsed, models.PaginatedNeedList)
    assert found.parsed.count == 2
    assert [(n.id, n.title) for n in found.parsed.results] == [
        (needs["elsewhere"].pk, "猕猴桃分级包装需求"),
        (needs["kiwi"].pk, "猕猴桃冷链保鲜需求"),
    ]
    assert all(isinstance(n, models.Need) for n in found.parsed.results)
    assert found.parsed.results[1].status == models.NeedStatusEnum.OPEN
    assert found.parsed.results[1].published_at == at(9)

    mine = v1.v1_needs_list.sync_detailed(client=client, mine=True)
    assert mine.status_code == 200, mine.content
    assert isinstance(mine.parsed, models.PaginatedNeedList)
    assert [(n.id, n.title) for n in mine.parsed.results] == [
        (needs["kiwi"].pk, "猕猴桃冷链保鲜需求"),
        (needs["tea"].pk, "茶叶烘干设备需求"),
    ]
    assert {n.organisation for n in mine.parsed.results} == {world["enterprise"].pk}

    ranked = v1.v1_needs_matches_list.sync_detailed(str(needs["kiwi"].pk), client=client)
    assert ranked.status_code == 200, ranked.content
    assert all(isinstance(m, models.Match) for m in ranked.parsed)
    assert [(m.id, m.result, m.rank_for_need, m.score) for m in ranked.parsed] == [
        (first.pk, world["results"]["cold_chain"].pk, 1, 0.6),
        (second.pk, world["results"]["grading"].pk, 2, 0.3),
    ]

    one = v1.v1_matches_retrieve.sync_detailed(str(first.pk), client=client)
    assert one.status_code == 200, one.content
    match = one.parsed
    assert isinstance(match, models.Match)
    assert (match.id, match.need, match.need_title, match.result, match.result_title) == (
        first.pk,
        needs["kiwi"].pk,
        "猕猴桃冷链保鲜需求",
        world["results"]["cold_chain"].pk,
        "果蔬产地预冷与冷链温控技术",
    )
    assert match.state == models.MatchStateEnum.SUGGESTED
    assert (match.score, match.text_score, match.structured_score) == (0.6, 0.5, 0.8)
    assert match.explanation == {"terms": [["猕猴桃", 0.4]], "fits": {}}
    assert isinstance(match.created_at, datetime.datetime)
