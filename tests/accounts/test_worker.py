"""Background work on a real Celery worker (Redis broker, the test PostgreSQL database)."""

import time

import pytest

from accounts import services
from accounts.enums import MembershipRole
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = [pytest.mark.worker]


def test_a_join_request_reaches_the_owner_by_email_sent_from_the_worker(
    committed_db, celery_worker_process
):
    organisation = OrganisationFactory(name="镇宁县蜂糖李合作社")
    member_of(organisation, MembershipRole.OWNER, email="owner-zhenning@example.cn")
    services.membership_request(
        user=UserFactory(full_name="韦小宝"), organisation=organisation, message="想加入"
    )

    mail_dir = celery_worker_process["mail_dir"]
    deadline = time.monotonic() + 20
    messages = []
    while time.monotonic() < deadline and not messages:
        messages = [p.read_text() for p in mail_dir.iterdir()]
        time.sleep(0.2)
    assert messages, "the worker sent no email within 20 s"
    assert "owner-zhenning@example.cn" in messages[0]
