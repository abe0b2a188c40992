"""Who gets what from every address of the site and the API: one table, checked cell by cell.

The addresses are read from the URL conf, so a new endpoint without a row in MATRIX fails
`test_every_endpoint_has_a_row`, naming it. A row gives, for each role, the answer expected when
that role sends the method to the address in a small world with one object of each kind:

    anon         nobody logged in
    ent_a        member of enterprise A, which owns the need, its match with the result, the
                 station's records about that match, and a fair registration
    ent_b        member of enterprise B, in another province: owns nothing here
    researcher   member of the institution whose result is matched with A's need
    station_in   staff of the station covering A's county
    station_out  staff of a station covering another county
    admin        platform administrator (staff and superuser)

LOGIN is a redirect to the login page (with ?next=); a plain 302 is a page's own "done, see
there". POSTs carry a plausible body (`_body`) so that a permission decided in a service, after
the form is read, is reached. Rows marked "draft" use a draft need and result instead.

What is sent: GET to everything; POST to the pages whose code reads a POST; "GET htmx" (with the
HX-Request header) to the pages that render a fragment for htmx; for the API, each method its
route maps. Not sent, on purpose:
- Django's admin (`admin:` namespace) is Django's own code behind its staff check; its front door
  and our custom admin views have rows (ADMIN_ROWS), the rest is skipped.
- `set_language` (i18n/setlang/) only sets a language cookie and redirects, for anyone.
- Format-suffix twins of API routes (`/api/v1/needs.json`) resolve to the same view under the
  same name as the plain route: one row covers both.
- PUT/PATCH/DELETE to plain Django views: they have no handler for them and answer as for GET.

SEES adds, for the pages and lists that answer 200 to several roles, who finds a private marker
(a phone number, a private budget, a station's record) in the answer. At the end, every page is
asked once more with odd query parameters (a NUL, a number too large for any column), and a
few odd API bodies are sent: never a server error.

The world is built once for the module inside a transaction rolled back at its end; each test
runs in a savepoint of it, so a POST that changes something is undone before the next test.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from datetime import date, time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.views import APIView

from accounts.demo import make_credit_code
from accounts.enums import MembershipStatus, OrganisationKind
from accounts.models import Membership
from matchmaking.models import (
    AdoptionCost,
    Evaluation,
    Fair,
    FairRegistration,
    ImportJob,
    Match,
    Meeting,
    MeetingRequest,
    MonthlyReport,
    Notification,
    ReportSubscription,
    SavedSearch,
    ShortLink,
    SolutionPlan,
    TaskFailure,
    TrainingAttendance,
    TrainingSession,
)
from matchmaking.stations import costs
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    UserFactory,
    category,
    image_bytes,
    member_of,
    photo_of,
)

ROLES = ("anon", "ent_a", "ent_b", "researcher", "station_in", "station_out", "admin")
LOGIN = "login"
SKIPPED_NAMES = {"set_language"}
ADMIN_ROWS = {
    "admin:index",
    "admin:matchmaking_rebuildrun_start",
    "admin:matchmaking_embedrun_start",
}
# Hashing a password the real way takes 0.3 s on this machine; nothing here tests hashing.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

L = LOGIN
# fmt: off
MATRIX: dict[tuple, tuple] = {
    #                                                 anon  ent_a ent_b  rsrch st_in st_out admin
    # Public pages, sign-up and accounts. Django's auth views answer as Django ships them.
    ('home', 'GET'):                                    ( 200,  200,  200,  200,  200,  200,  200),
    ('healthz', 'GET'):                                 ( 200,  200,  200,  200,  200,  200,  200),
    ('favicon', 'GET'):                                 ( 200,  200,  200,  200,  200,  200,  200),
    # The test client comes from 127.0.0.1, an internal address; from outside (or through the
    # proxy) it is 403 without METRICS_TOKEN: tests/config/test_operations.py.
    ('metrics', 'GET'):                                 ( 200,  200,  200,  200,  200,  200,  200),
    ('operations', 'GET'):                              (   L,  403,  403,  403,  403,  403,  200),
    ('operations-retry', 'GET'):                        (   L,  405,  405,  405,  405,  405,  405),
    ('operations-retry', 'POST'):                       (   L,  403,  403,  403,  403,  403,  302),
    ('service-worker', 'GET'):                          ( 200,  200,  200,  200,  200,  200,  200),
    ('manifest', 'GET'):                                ( 200,  200,  200,  200,  200,  200,  200),
    ('offline', 'GET'):                                 ( 200,  200,  200,  200,  200,  200,  200),
    ('javascript-catalog', 'GET'):                      ( 200,  200,  200,  200,  200,  200,  200),
    ('signup', 'GET'):                                  ( 200,  302,  302,  302,  302,  302,  302),
    ('signup', 'POST'):                                 ( 200,  302,  302,  302,  302,  302,  302),
    ('login', 'GET'):                                   ( 200,  200,  200,  200,  200,  200,  200),
    ('login', 'POST'):                                  ( 200,  200,  200,  200,  200,  200,  200),
    ('logout', 'GET'):                                  ( 405,  405,  405,  405,  405,  405,  405),
    ('logout', 'POST'):                                 ( 302,  302,  302,  302,  302,  302,  302),
    # By mobile number (django-allauth); allauth's names for Django's pages answer as those.
    ('account_signup', 'GET'):                          ( 200,  302,  302,  302,  302,  302,  302),
    ('account_signup', 'POST'):                         ( 200,  302,  302,  302,  302,  302,  302),
    ('account_request_login_code', 'GET'):              ( 200,  302,  302,  302,  302,  302,  302),
    ('account_request_login_code', 'POST'):             ( 200,  302,  302,  302,  302,  302,  302),
    ('account_confirm_login_code', 'GET'):              ( 302,  302,  302,  302,  302,  302,  302),
    ('account_confirm_login_code', 'POST'):             ( 302,  302,  302,  302,  302,  302,  302),
    ('account_verify_phone', 'GET'):                    ( 302,  302,  302,  302,  302,  302,  302),
    ('account_change_phone', 'GET'):                    (   L,  200,  200,  200,  200,  200,  200),
    ('account_change_phone', 'POST'):                   (   L,  200,  200,  200,  200,  200,  200),
    ('account_login', 'GET'):                           ( 200,  200,  200,  200,  200,  200,  200),
    ('account_login', 'POST'):                          ( 200,  200,  200,  200,  200,  200,  200),
    ('account_inactive', 'GET'):                        ( 200,  200,  200,  200,  200,  200,  200),
    ('account_inactive', 'POST'):                       ( 200,  200,  200,  200,  200,  200,  200),
    ('account_logout', 'GET'):                          ( 405,  405,  405,  405,  405,  405,  405),
    ('account_logout', 'POST'):                         ( 302,  302,  302,  302,  302,  302,  302),
    ('account_reset_password', 'GET'):                  ( 200,  200,  200,  200,  200,  200,  200),
    ('account_reset_password', 'POST'):                 ( 200,  200,  200,  200,  200,  200,  200),
    ('password_change', 'GET'):                         (   L,  200,  200,  200,  200,  200,  200),
    ('password_change', 'POST'):                        (   L,  200,  200,  200,  200,  200,  200),
    ('password_change_done', 'GET'):                    (   L,  200,  200,  200,  200,  200,  200),
    ('password_reset', 'GET'):                          ( 200,  200,  200,  200,  200,  200,  200),
    ('password_reset', 'POST'):                         ( 200,  200,  200,  200,  200,  200,  200),
    ('password_reset_done', 'GET'):                     ( 200,  200,  200,  200,  200,  200,  200),
    ('password_reset_confirm', 'GET'):                  ( 200,  200,  200,  200,  200,  200,  200),
    ('password_reset_confirm', 'POST'):                 ( 200,  200,  200,  200,  200,  200,  200),
    ('password_reset_complete', 'GET'):                 ( 200,  200,  200,  200,  200,  200,  200),
    ('profile', 'GET'):                                 (   L,  200,  200,  200,  200,  200,  200),
    ('profile', 'POST'):                                (   L,  200,  200,  200,  200,  200,  200),
    ('organisation-start', 'GET'):                      (   L,  200,  200,  200,  200,  200,  200),
    ('organisation-create', 'GET'):                     (   L,  200,  200,  200,  200,  200,  200),
    ('organisation-create', 'POST'):                    (   L,  200,  200,  200,  200,  200,  200),
    ('enterprise-account-create', 'GET'):               (   L,  403,  403,  403,  200,  200,  200),
    ('enterprise-account-create', 'POST'):              (   L,  403,  403,  403,  302,  200,  302),
    ('short-link', 'GET'):                              ( 302,  302,  302,  302,  302,  302,  302),
    ('organisation-join', 'GET'):                       (   L,  200,  200,  200,  200,  200,  200),
    ('organisation-join', 'GET htmx'):                  (   L,  200,  200,  200,  200,  200,  200),
    ('organisation-join', 'POST'):                      (   L,  200,  200,  200,  200,  200,  200),
    # Anyone sees an organisation; contact details only its members, its station, admins (SEES).
    ('organisation-detail', 'GET'):                     ( 200,  200,  200,  200,  200,  200,  200),
    # Editing A and deciding on requests to join it are for A's owner (not a plain member like
    # ent_a) and admins.
    ('organisation-edit', 'GET'):                       (   L,  403,  403,  403,  403,  403,  200),
    ('organisation-edit', 'POST'):                      (   L,  403,  403,  403,  403,  403,  200),
    ('membership-decide', 'GET'):                       (   L,  405,  405,  405,  405,  405,  405),
    ('membership-decide', 'POST'):                      (   L,  403,  403,  403,  403,  403,  302),
    # The organisation waiting for verification is in A's county: its station verifies it.
    ('organisation-verify', 'GET'):                     (   L,  405,  405,  405,  405,  405,  405),
    ('organisation-verify', 'POST'):                    (   L,  403,  403,  403,  302,  403,  302),
    ('region-options', 'GET'):                          ( 200,  200,  200,  200,  200,  200,  200),
    # Needs and results. Drafts ('draft') are their own side's and its station's.
    ('need-list', 'GET'):                               ( 200,  200,  200,  200,  200,  200,  200),
    ('need-list', 'GET htmx'):                          ( 200,  200,  200,  200,  200,  200,  200),
    ('need-create', 'GET'):                             (   L,  200,  200,  302,  200,  302,  302),
    ('need-create', 'POST'):                            (   L,  200,  200,  302,  200,  302,  302),
    ('need-detail', 'GET'):                             ( 200,  200,  200,  200,  200,  200,  200),
    ('need-detail', 'GET htmx'):                        ( 200,  200,  200,  200,  200,  200,  200),
    ('need-detail', 'GET', 'draft'):                    (   L,  200,  403,  403,  200,  403,  200),
    # The next ten matches of a need (or a result), for htmx: as the page.
    ('need-edit', 'GET'):                               (   L,  200,  403,  403,  200,  403,  200),
    ('need-edit', 'GET', 'draft'):                      (   L,  200,  403,  403,  200,  403,  200),
    ('need-edit', 'POST'):                              (   L,  200,  403,  403,  200,  403,  200),
    ('need-transition', 'GET'):                         (   L,  405,  405,  405,  405,  405,  405),
    ('need-transition', 'POST'):                        (   L,  302,  403,  403,  302,  403,  302),
    ('need-transition', 'POST', 'draft'):               (   L,  302,  403,  403,  302,  403,  302),
    # 撤销 after closing: whoever may change the status (here with nothing to undo: a message).
    ('need-undo', 'GET'):                               (   L,  405,  405,  405,  405,  405,  405),
    ('need-undo', 'POST'):                              (   L,  302,  403,  403,  302,  403,  302),
    # A need's photos: seen by whoever sees the need (a draft's: a 404 to the others, so the
    # address tells nothing); added and deleted by whoever may edit it.
    ('need-photo', 'GET'):                              ( 200,  200,  200,  200,  200,  200,  200),
    ('need-photo', 'GET', 'draft'):                     ( 404,  200,  404,  404,  200,  404,  200),
    ('need-photo-thumbnail', 'GET'):                    ( 200,  200,  200,  200,  200,  200,  200),
    ('need-photo-thumbnail', 'GET', 'draft'):           ( 404,  200,  404,  404,  200,  404,  200),
    ('need-photo-add', 'GET'):                          (   L,  200,  403,  403,  200,  403,  200),
    ('need-photo-add', 'POST'):                         (   L,  302,  403,  403,  302,  403,  302),
    ('need-photo-add', 'POST', 'draft'):                (   L,  302,  403,  403,  302,  403,  302),
    ('need-photo-delete', 'GET'):                       (   L,  405,  405,  405,  405,  405,  405),
    ('need-photo-delete', 'POST'):                      (   L,  302,  403,  403,  302,  403,  302),
    ('need-photo-delete', 'POST', 'draft'):             (   L,  302,  404,  404,  302,  404,  302),
    ('need-export', 'GET'):                             ( 200,  200,  200,  200,  200,  200,  200),
    ('my-needs', 'GET'):                                (   L,  200,  200,  200,  200,  200,  200),
    ('my-needs', 'GET htmx'):                           (   L,  200,  200,  200,  200,  200,  200),
    # The result is for logged-in users only, so anonymous visitors are sent to log in.
    ('result-list', 'GET'):                             ( 200,  200,  200,  200,  200,  200,  200),
    ('result-list', 'GET htmx'):                        ( 200,  200,  200,  200,  200,  200,  200),
    ('result-create', 'GET'):                           (   L,  302,  302,  200,  302,  302,  302),
    ('result-create', 'POST'):                          (   L,  302,  302,  200,  302,  302,  302),
    ('result-detail', 'GET'):                           (   L,  200,  200,  200,  200,  200,  200),
    ('result-detail', 'GET htmx'):                      (   L,  200,  200,  200,  200,  200,  200),
    ('result-detail', 'GET', 'draft'):                  (   L,  403,  403,  200,  403,  403,  200),
    ('result-edit', 'GET'):                             (   L,  403,  403,  200,  403,  403,  200),
    ('result-edit', 'GET', 'draft'):                    (   L,  403,  403,  200,  403,  403,  200),
    ('result-edit', 'POST'):                            (   L,  403,  403,  200,  403,  403,  200),
    ('result-transition', 'GET'):                       (   L,  405,  405,  405,  405,  405,  405),
    ('result-transition', 'POST'):                      (   L,  403,  403,  302,  403,  403,  302),
    ('result-undo', 'GET'):                             (   L,  405,  405,  405,  405,  405,  405),
    ('result-undo', 'POST'):                            (   L,  403,  403,  302,  403,  403,  302),
    ('result-export', 'GET'):                           ( 200,  200,  200,  200,  200,  200,  200),
    ('my-results', 'GET'):                              (   L,  200,  200,  200,  200,  200,  200),
    ('my-results', 'GET htmx'):                         (   L,  200,  200,  200,  200,  200,  200),
    # Imports: stations, institutions and admins; a job is its author's (station_in's) or admins'.
    ('import-start', 'GET'):                            (   L,  403,  403,  200,  200,  200,  200),
    ('import-start', 'POST'):                           (   L,  403,  403,  200,  200,  200,  200),
    ('import-template', 'GET'):                         (   L,  200,  200,  200,  200,  200,  200),
    ('import-detail', 'GET'):                           (   L,  403,  403,  403,  200,  403,  200),
    ('import-progress', 'GET'):                         (   L,  403,  403,  403,  200,  403,  200),
    ('import-progress', 'GET htmx'):                    (   L,  403,  403,  403,  200,  403,  200),
    ('import-confirm', 'GET'):                          (   L,  405,  405,  405,  405,  405,  405),
    ('import-confirm', 'POST'):                         (   L,  403,  403,  403,  302,  403,  302),
    # A match is its two sides', the enterprise's station's and admins'. A move the actor may not
    # make (the researcher shortlisting for the enterprise) is refused with a message: 302.
    ('match-detail', 'GET'):                            (   L,  200,  404,  200,  200,  404,  200),
    ('match-action', 'GET'):                            (   L,  405,  405,  405,  405,  405,  405),
    ('match-action', 'POST'):                           (   L,  302,  404,  302,  302,  404,  302),
    # 撤销 after a move: anyone who sees the match asks; the service refuses all but the mover.
    ('match-undo', 'GET'):                              (   L,  405,  405,  405,  405,  405,  405),
    ('match-undo', 'POST'):                             (   L,  302,  404,  302,  302,  404,  302),
    # "不相关" is the need's side's word (its station's too); the researcher may not say it.
    ('match-not-relevant', 'GET'):                      (   L,  405,  405,  405,  405,  405,  405),
    ('match-not-relevant', 'POST'):                     (   L,  302,  404,  403,  302,  404,  302),
    # The matcher's quality report from the site's history: staff (admins) only.
    ('match-quality', 'GET'):                           (   L,  403,  403,  403,  403,  403,  200),
    # Everyone's own notifications and saved searches.
    ('notifications', 'GET'):                           (   L,  200,  200,  200,  200,  200,  200),
    ('notifications', 'POST'):                          (   L,  302,  302,  302,  302,  302,  302),
    ('notification-settings', 'GET'):                   (   L,  200,  200,  200,  200,  200,  200),
    ('notification-settings', 'POST'):                  (   L,  302,  302,  302,  302,  302,  302),
    ('saved-search-create', 'GET'):                     (   L,  405,  405,  405,  405,  405,  405),
    ('saved-search-create', 'POST'):                    (   L,  302,  302,  302,  302,  302,  302),
    ('saved-search-delete', 'GET'):                     (   L,  405,  405,  405,  405,  405,  405),
    ('saved-search-delete', 'POST'):                    (   L,  302,  404,  404,  404,  404,  404),
    # The station's tools: the board, records about matches in its counties, trainings. An admin
    # has no station of their own, so no board; records are the station's, A's, and admins'.
    ('station-board', 'GET'):                           (   L,  403,  403,  403,  200,  200,  403),
    ('evaluation-create', 'GET'):                       (   L,  403,  403,  403,  200,  403,  200),
    ('evaluation-detail', 'GET'):                       (   L,  200,  403,  403,  200,  403,  200),
    ('plan-create', 'GET'):                             (   L,  403,  403,  403,  200,  403,  200),
    ('plan-detail', 'GET'):                             (   L,  200,  403,  403,  200,  403,  200),
    ('adoption-cost', 'GET'):                           (   L,  403,  403,  403,  200,  403,  200),
    ('adoption-cost', 'POST'):                          (   L,  403,  403,  403,  200,  403,  200),
    ('adoption-cost-detail', 'GET'):                    (   L,  200,  403,  403,  200,  403,  200),
    ('training-list', 'GET'):                           (   L,  403,  403,  403,  200,  200,  403),
    ('training-create', 'GET'):                         (   L,  403,  403,  403,  200,  200,  403),
    ('training-create', 'POST'):                        (   L,  403,  403,  403,  302,  200,  403),
    ('training-detail', 'GET'):                         (   L,  200,  403,  403,  200,  403,  200),
    # What adoption changed (#21): the need's figure suggested as it is typed (any logged-in
    # user: it reads only the text sent); a match's impact page, evidence, its photos, the trial
    # and the contract dossier are A's, its station's and admins'. The station records and
    # verifies, the enterprise confirms; a photo is a 404 to the others, so the address tells
    # nothing.
    ('baseline-suggestion', 'GET'):                     (   L,  200,  200,  200,  200,  200,  200),
    ('baseline-suggestion', 'GET htmx'):                (   L,  200,  200,  200,  200,  200,  200),
    ('match-impact', 'GET'):                            (   L,  200,  403,  403,  200,  403,  200),
    ('trial-create', 'GET'):                            (   L,  403,  403,  403,  200,  403,  200),
    ('trial-create', 'POST'):                           (   L,  403,  403,  403,  302,  403,  302),
    ('trial-fail', 'GET'):                              (   L,  405,  405,  405,  405,  405,  405),
    ('trial-fail', 'POST'):                             (   L,  403,  403,  403,  302,  403,  302),
    ('milestone-verify', 'GET'):                        (   L,  403,  403,  403,  200,  403,  200),
    ('milestone-verify', 'POST'):                       (   L,  403,  403,  403,  302,  403,  302),
    ('evidence-record', 'GET'):                         (   L,  403,  403,  403,  200,  403,  200),
    ('evidence-record', 'POST'):                        (   L,  403,  403,  403,  302,  403,  302),
    ('evidence-answer', 'GET'):                         (   L,  405,  405,  405,  405,  405,  405),
    ('evidence-answer', 'POST'):                        (   L,  302,  403,  403,  403,  403,  302),
    ('outcome-photo', 'GET'):                           (   L,  200,  404,  404,  200,  404,  200),
    ('outcome-photo-thumbnail', 'GET'):                 (   L,  200,  404,  404,  200,  404,  200),
    ('contract-form', 'GET'):                           (   L,  403,  403,  403,  200,  403,  200),
    ('contract-form', 'POST'):                          (   L,  403,  403,  403,  302,  403,  302),
    ('contract-detail', 'GET'):                         (   L,  200,  403,  403,  200,  403,  200),
    ('contract-xlsx', 'GET'):                           (   L,  200,  403,  403,  200,  403,  200),
    # The fair. Any station's staff work the front desk (the meeting list, the report), but at
    # check-in a station sees and checks in only the registrants in its counties (the fair's
    # organising stations and admins: all of them; station_out gets 404 for A's registration);
    # outcomes are recorded by a station covering one side. The agenda is one's own registration's;
    # the .ics address carries a secret token, which is the permission.
    ('fair-list', 'GET'):                               ( 200,  200,  200,  200,  200,  200,  200),
    ('fair-detail', 'GET'):                             ( 200,  200,  200,  200,  200,  200,  200),
    # Any station announces a fair (and organises it); the fair is edited, opened and scheduled
    # by admins and its organising stations (this one has none).
    ('fair-create', 'GET'):                             (   L,  403,  403,  403,  200,  200,  200),
    ('fair-create', 'POST'):                            (   L,  403,  403,  403,  302,  302,  302),
    ('fair-edit', 'GET'):                               (   L,  403,  403,  403,  403,  403,  200),
    ('fair-edit', 'POST'):                              (   L,  403,  403,  403,  403,  403,  302),
    ('fair-open', 'GET'):                               (   L,  405,  405,  405,  405,  405,  405),
    ('fair-open', 'POST'):                              (   L,  403,  403,  403,  403,  403,  302),
    ('fair-register', 'GET'):                           (   L,  200,  200,  200,  200,  403,  403),
    ('fair-register', 'POST'):                          (   L,  302,  302,  302,  302,  403,  403),
    ('fair-participants', 'GET'):                       (   L,  200,  200,  200,  200,  200,  200),
    ('fair-request', 'GET'):                            (   L,  405,  405,  405,  405,  405,  405),
    ('fair-request', 'POST'):                           (   L,  302,  403,  302,  302,  403,  302),
    ('fair-requests', 'GET'):                           (   L,  200,  200,  200,  200,  200,  200),
    ('fair-request-answer', 'GET'):                     (   L,  405,  405,  405,  405,  405,  405),
    ('fair-request-answer', 'POST'):                    (   L,  403,  403,  302,  403,  403,  302),
    ('fair-schedule', 'GET'):                           (   L,  403,  403,  403,  403,  403,  200),
    ('fair-schedule', 'GET htmx'):                      (   L,  403,  403,  403,  403,  403,  200),
    ('fair-schedule', 'POST'):                          (   L,  403,  403,  403,  403,  403,  302),
    ('fair-agenda', 'GET'):                             (   L,  200,  200,  200,  404,  404,  404),
    ('fair-agenda-ics', 'GET'):                         ( 200,  200,  200,  200,  200,  200,  200),
    ('fair-check-in', 'GET'):                           (   L,  403,  403,  403,  200,  200,  200),
    ('fair-check-in-worker', 'GET'):                    ( 200,  200,  200,  200,  200,  200,  200),
    ('fair-check-in', 'POST'):                          (   L,  403,  403,  403,  302,  404,  302),
    ('fair-meetings', 'GET'):                           (   L,  403,  403,  403,  200,  200,  200),
    ('fair-meetings', 'POST'):                          (   L,  403,  403,  403,  302,  403,  302),
    ('fair-report', 'GET'):                             (   L,  403,  403,  403,  200,  200,  200),
    # Statistics: a station sees its own station's figures.
    ('statistics', 'GET'):                              (   L,  403,  403,  403,  200,  200,  200),
    ('statistics-export', 'GET'):                       (   L,  403,  403,  403,  200,  200,  200),
    ('statistics-refresh', 'GET'):                      (   L,  405,  405,  405,  405,  405,  405),
    ('statistics-refresh', 'POST'):                     (   L,  403,  403,  403,  403,  403,  302),
    # Monthly reports: officials subscribed to the scope, and admins (this world has no official).
    ('report-list', 'GET'):                             (   L,  403,  403,  403,  403,  403,  200),
    ('report-subscribe', 'GET'):                        (   L,  405,  405,  405,  405,  405,  405),
    ('report-subscribe', 'POST'):                       (   L,  403,  403,  403,  403,  403,  302),
    ('report-unsubscribe', 'GET'):                      (   L,  405,  405,  405,  405,  405,  405),
    ('report-unsubscribe', 'POST'):                     (   L,  404,  404,  404,  404,  404,  302),
    ('report-detail', 'GET'):                           (   L,  403,  403,  403,  403,  403,  200),
    ('report-pdf', 'GET'):                              (   L,  403,  403,  403,  403,  403,  200),
    ('statistics-public', 'GET'):                       ( 200,  200,  200,  200,  200,  200,  200),
    ('admin:index', 'GET'):                             (   L,    L,    L,    L,    L,    L,  200),
    ('admin:matchmaking_rebuildrun_start', 'GET'):      (   L,    L,    L,    L,    L,    L,  302),
    ('admin:matchmaking_rebuildrun_start', 'POST'):     (   L,    L,    L,    L,    L,    L,  302),
    ('admin:matchmaking_embedrun_start', 'GET'):        (   L,    L,    L,    L,    L,    L,  302),
    ('admin:matchmaking_embedrun_start', 'POST'):       (   L,    L,    L,    L,    L,    L,  302),
    # The API. Anonymous writes are refused with 403 (session authentication comes first).
    ('api-token', 'GET'):                               ( 405,  405,  405,  405,  405,  405,  405),
    ('api-token', 'POST'):                              ( 200,  200,  200,  200,  200,  200,  200),
    ('api-me', 'GET'):                                  ( 403,  200,  200,  200,  200,  200,  200),
    ('api-stats', 'GET'):                               ( 403,  403,  403,  403,  200,  200,  200),
    ('region-list', 'GET'):                             ( 200,  200,  200,  200,  200,  200,  200),
    ('region-detail', 'GET'):                           ( 200,  200,  200,  200,  200,  200,  200),
    ('category-list', 'GET'):                           ( 200,  200,  200,  200,  200,  200,  200),
    ('category-list', 'POST'):                          ( 403,  403,  403,  403,  403,  403,  201),
    ('category-detail', 'GET'):                         ( 200,  200,  200,  200,  200,  200,  200),
    ('category-detail', 'PUT'):                         ( 403,  403,  403,  403,  403,  403,  200),
    ('category-detail', 'PATCH'):                       ( 403,  403,  403,  403,  403,  403,  200),
    ('api-need-list', 'GET'):                           ( 200,  200,  200,  200,  200,  200,  200),
    ('api-need-list', 'POST'):                          ( 403,  201,  400,  400,  201,  400,  201),
    ('api-need-detail', 'GET'):                         ( 200,  200,  200,  200,  200,  200,  200),
    ('api-need-detail', 'GET', 'draft'):                ( 404,  200,  404,  404,  200,  404,  200),
    ('api-need-detail', 'PUT'):                         ( 403,  200,  403,  403,  200,  403,  200),
    ('api-need-detail', 'PATCH'):                       ( 403,  200,  403,  403,  200,  403,  200),
    ('api-need-matches', 'GET'):                        ( 403,  200,  403,  403,  200,  403,  200),
    ('api-need-matches', 'GET', 'draft'):               ( 404,  200,  404,  404,  200,  404,  200),
    ('api-need-transition', 'POST'):                    ( 403,  200,  403,  403,  200,  403,  200),
    ('api-result-list', 'GET'):                         ( 200,  200,  200,  200,  200,  200,  200),
    ('api-result-list', 'POST'):                        ( 403,  400,  400,  201,  400,  400,  201),
    ('api-result-detail', 'GET'):                       ( 404,  200,  200,  200,  200,  200,  200),
    ('api-result-detail', 'GET', 'draft'):              ( 404,  404,  404,  200,  404,  404,  200),
    ('api-result-detail', 'PUT'):                       ( 403,  403,  403,  200,  403,  403,  200),
    ('api-result-detail', 'PATCH'):                     ( 403,  403,  403,  200,  403,  403,  200),
    ('api-result-matches', 'GET'):                      ( 404,  403,  403,  200,  403,  403,  200),
    ('api-result-transition', 'POST'):                  ( 403,  403,  403,  200,  403,  403,  200),
    ('api-match-detail', 'GET'):                        ( 403,  200,  404,  200,  200,  404,  200),
    ('api-match-events', 'GET'):                        ( 403,  200,  404,  200,  200,  404,  200),
    ('api-match-transition', 'POST'):                   ( 403,  200,  404,  403,  200,  404,  200),
    ('api-evaluation-list', 'GET'):                     ( 403,  200,  200,  200,  200,  200,  200),
    ('api-evaluation-list', 'POST'):                    ( 403,  403,  403,  403,  201,  403,  201),
    ('api-evaluation-detail', 'GET'):                   ( 403,  200,  404,  404,  200,  404,  200),
    ('api-plan-list', 'GET'):                           ( 403,  200,  200,  200,  200,  200,  200),
    ('api-plan-list', 'POST'):                          ( 403,  403,  403,  403,  201,  403,  201),
    ('api-plan-detail', 'GET'):                         ( 403,  200,  404,  404,  200,  404,  200),
    ('api-adoption-cost-list', 'GET'):                  ( 403,  200,  200,  200,  200,  200,  200),
    ('api-adoption-cost-list', 'POST'):                 ( 403,  403,  403,  403,  201,  403,  201),
    ('api-adoption-cost-detail', 'GET'):                ( 403,  200,  404,  404,  200,  404,  200),
    ('api-training-list', 'GET'):                       ( 403,  200,  200,  200,  200,  200,  200),
    ('api-training-detail', 'GET'):                     ( 403,  200,  404,  404,  200,  404,  200),
    # The fair. Registering is for enterprises and institutions (a station's own is refused with
    # 400, an admin has no organisation: 403); participants show public fields only; the check-in
    # desk and outcomes follow the pages' rules; a request is answered by its recipient's side.
    ('api-fair-list', 'GET'):                           ( 200,  200,  200,  200,  200,  200,  200),
    ('api-fair-detail', 'GET'):                         ( 200,  200,  200,  200,  200,  200,  200),
    ('api-fair-register', 'POST'):                      ( 403,  200,  200,  200,  400,  400,  403),
    ('api-fair-participants', 'GET'):                   ( 403,  200,  200,  200,  200,  200,  200),
    ('api-fair-my-registrations', 'GET'):               ( 403,  200,  200,  200,  200,  200,  200),
    ('api-fair-agenda', 'GET'):                         ( 403,  200,  200,  200,  200,  200,  200),
    ('api-fair-check-in', 'POST'):                      ( 403,  403,  403,  403,  200,  404,  200),
    ('api-meeting-request-list', 'GET'):                ( 403,  200,  200,  200,  200,  200,  200),
    ('api-meeting-request-list', 'POST'):               ( 403,  400,  403,  400,  400,  403,  400),
    ('api-meeting-request-accept', 'POST'):             ( 403,  403,  403,  200,  403,  403,  200),
    ('api-meeting-request-decline', 'POST'):            ( 403,  403,  403,  200,  403,  403,  200),
    ('api-meeting-outcome', 'POST'):                    ( 403,  403,  403,  403,  200,  403,  200),
    ('api-root', 'GET'):                                ( 200,  200,  200,  200,  200,  200,  200),
    ('api-schema', 'GET'):                              ( 200,  200,  200,  200,  200,  200,  200),
    ('api-docs', 'GET'):                                ( 200,  200,  200,  200,  200,  200,  200),
}
# fmt: on

# fmt: off
EVERYONE = set(ROLES)
OWN_SIDE = {"ent_a", "station_in", "admin"}  # A, the station covering A, admins
SEES: dict[tuple[str, str], list[tuple[str, set[str]]]] = {
    ("organisation-detail", "GET"):     [("phone_a", OWN_SIDE)],
    ("need-list", "GET"):               [("need", EVERYONE), ("budget", set())],
    ("need-list", "GET htmx"):          [("need", EVERYONE), ("budget", set())],
    ("need-detail", "GET"):             [("need", EVERYONE), ("phone_a", OWN_SIDE),
                                         ("budget", OWN_SIDE)],
    ("need-export", "GET"):             [("need", EVERYONE), ("budget", OWN_SIDE)],
    ("my-needs", "GET"):                [("need", {"ent_a"})],
    ("result-list", "GET"):             [("result", EVERYONE - {"anon"})],
    ("result-list", "GET htmx"):        [("result", EVERYONE - {"anon"})],
    ("result-export", "GET"):           [("result", EVERYONE - {"anon"})],
    ("my-results", "GET"):              [("result", {"researcher"})],
    ("match-detail", "GET"):            [("phone_a", set())],  # until the researcher accepts
    ("station-board", "GET"):           [("need", {"station_in"})],
    ("training-list", "GET"):           [("training", {"station_in"})],
    ("match-impact", "GET"):            [("evidence", OWN_SIDE)],
    ("contract-detail", "GET"):         [("contract", OWN_SIDE)],
    ("fair-participants", "GET"):       [("attendees_a", set())],
    ("fair-check-in", "GET"):           [("attendees_a", {"station_in", "admin"})],
    ("fair-agenda", "GET"):             [("attendees_a", {"researcher"})],  # A's meeting
    ("api-need-list", "GET"):           [("need", EVERYONE), ("budget", OWN_SIDE)],
    ("api-need-detail", "GET"):         [("budget", OWN_SIDE)],
    ("api-result-list", "GET"):         [("result", EVERYONE - {"anon"})],
    ("api-evaluation-list", "GET"):     [("evaluation", OWN_SIDE)],
    ("api-plan-list", "GET"):           [("plan", OWN_SIDE)],
    ("api-adoption-cost-list", "GET"):  [("cost", OWN_SIDE)],
    ("api-training-list", "GET"):       [("training", OWN_SIDE)],
    ("api-fair-participants", "GET"):   [("attendees_a", set())],
    ("api-fair-my-registrations", "GET"): [("attendees_a", {"ent_a"})],
    ("api-fair-agenda", "GET"):         [("attendees_a", {"researcher"})],  # A's meeting
    ("api-meeting-request-list", "GET"): [("attendees_a", set())],
}
# fmt: on


# -- the world ----------------------------------------------------------------------------------

PHONE_A = "13700000001"
ATTENDEES_A = "王五 13600000001"
EVALUATION = {
    "technical_feasibility": 4,
    "economic_feasibility": 3,
    "capability_fit": 4,
    "risks": "冷库电费偏高",
    "recommendation": "with_conditions",
    "report": "建议先试用一季。",
    "staff_hours": "6.5",
}
FAIR_FIELDS = {
    "name": "授权新对接会",
    "year": "2027",
    "city": "贵阳",
    "venue": "国际会议中心",
    "first_day": "2027-05-10",
    "days": "1",
    "registration_opens": "2027-04-01",
    "registration_closes": "2027-05-01",
    "day_start": "09:00",
    "day_end": "17:00",
    "slot_minutes": "30",
    "breaks_start": ["12:00"],
    "breaks_end": ["13:30"],
    "tables": "10",
    "max_meetings": "6",
}
COST = {
    "licence_fee": "30000",
    "equipment": "90000",
    "reference_cost": "200000",
    "reference_source": "两家冷库厂商的报价",
    "special_fund": "20000",
}


EVIDENCE_METHOD = "授权称重三批"
CONTRACT = {
    "contract_type": "service",
    "subject": "授权合同产地预冷技术服务",
    "amount": "150000",
    "technical_income": "120000",
    "signed_on": "2026-06-01",
    "valid_from": "2026-06-01",
    "valid_to": "2027-05-31",
    "registration_number": "",
}


def _impact_world(users, need, institution) -> dict:
    """An adopted match with its evidence (one figure recorded, with a photo) and contract, and a
    match on trial with a milestone to verify (issue #21)."""
    from matchmaking.impact.services import checkpoints_schedule
    from matchmaking.listings.photo_checks import check_photo
    from matchmaking.models import ContractRegistration, OutcomePhoto, Trial, TrialMilestone

    def match_with(title, state):
        return Match.objects.create(
            need=need,
            result=ResultFactory(
                organisation=institution, created_by=users["researcher"], title=title
            ),
            score=0.6,
            text_score=0.5,
            structured_score=0.7,
            matcher_version="authz",
            state=state,
        )

    adopted = match_with("授权成果已采用", "adopted")
    checkpoints_schedule(adopted)
    evidence = adopted.evidence.get(checkpoint=3)
    evidence.status, evidence.unit, evidence.method = "recorded", "percent", EVIDENCE_METHOD
    evidence.baseline_value, evidence.measured_value = Decimal(20), Decimal(11)
    evidence.save()
    photo = check_photo(SimpleUploadedFile("scale.jpg", image_bytes()))
    row = OutcomePhoto(evidence=evidence, width=photo.width, height=photo.height, size=9)
    row.image.save("authz-evidence.jpg", ContentFile(photo.image), save=False)
    row.thumbnail.save("authz-evidence-thumb.jpg", ContentFile(photo.thumbnail), save=False)
    row.save()
    on_trial = match_with("授权成果试用中", "on_trial")
    trial = Trial.objects.create(
        match=on_trial,
        station=users["station_in"].memberships.get().organisation,
        created_by=users["station_in"],
        subsidy=Decimal(5000),
    )
    milestone = TrialMilestone.objects.create(
        trial=trial, position=1, title="小试", criteria="损耗低于15%", tranche=Decimal(5000)
    )
    contract = ContractRegistration.objects.create(
        match=adopted,
        station=trial.station,
        prepared_by=users["station_in"],
        **{**CONTRACT, "amount": Decimal(150000), "technical_income": Decimal(120000)},
    )
    return {
        "adopted": adopted,
        "evidence": evidence,
        "outcome_photo": row,
        "trial": trial,
        "milestone": milestone,
        "contract": contract,
    }


def _build_world() -> dict:
    enterprise_a = OrganisationFactory(name="授权企业甲", region_id="522634", phone=PHONE_A)
    enterprise_b = OrganisationFactory(name="授权企业乙", region_id="620102")  # 兰州 城关区
    # Waiting for verification, in A's county: what station_in may verify and station_out not.
    unverified = OrganisationFactory(name="授权企业丙", region_id="522634", is_verified=False)
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, region_id="330106")
    station_in = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    station_out = OrganisationFactory(kind=OrganisationKind.STATION, covered=["510131"])
    users = {
        "anon": None,
        "ent_a": member_of(enterprise_a, username="authz-ent-a"),
        "ent_b": member_of(enterprise_b, username="authz-ent-b"),
        "researcher": member_of(institution, username="authz-researcher"),
        "station_in": member_of(station_in, username="authz-station-in"),
        "station_out": member_of(station_out, username="authz-station-out"),
        "admin": UserFactory(username="authz-admin", is_staff=True, is_superuser=True),
    }
    need = NeedFactory(
        organisation=enterprise_a,
        created_by=users["ent_a"],
        title="授权需求猕猴桃预冷",
        budget_max=123457,
        budget_public=False,
    )
    result = ResultFactory(
        organisation=institution,
        created_by=users["researcher"],
        title="授权成果产地预冷",
        visibility="registered",
    )
    draft_need = NeedFactory(
        organisation=enterprise_a, created_by=users["ent_a"], status="draft", published_at=None
    )
    draft_result = ResultFactory(
        organisation=institution, created_by=users["researcher"], status="draft", published_at=None
    )
    photos = {"": photo_of(need), "draft": photo_of(draft_need)}
    match = Match.objects.create(
        need=need,
        result=result,
        rank_for_need=1,
        rank_for_result=1,
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="authz",
    )
    records = {"match": match, "station": station_in}
    evaluation = Evaluation.objects.create(
        **records, author=users["station_in"], **{**EVALUATION, "staff_hours": 6}
    )
    plan = SolutionPlan.objects.create(
        **records,
        version=1,
        author=users["station_in"],
        summary="先建一座小冷库",
        steps=[{"title": "选址", "owner": "吴", "due": "2027-03-01"}],
        total_quoted=Decimal("80000"),
    )
    breakdown = costs.compute(**{k: Decimal(v) for k, v in COST.items() if k != "reference_source"})
    adoption_cost = AdoptionCost.objects.create(
        **records,
        recorded_by=users["station_in"],
        **COST,
        loan_subsidy=breakdown.loan_subsidy,
        total_cost=breakdown.total_cost,
        net_outlay=breakdown.net_outlay,
        saving=breakdown.saving,
        saving_percent=breakdown.saving_percent,
    )
    training = TrainingSession.objects.create(
        station=station_in,
        date=date(2026, 5, 1),
        place="雷山县农技站",
        topic="冷库日常使用培训",
        trainer="吴老师",
        recorded_by=users["station_in"],
    )
    TrainingAttendance.objects.create(session=training, enterprise=enterprise_a, people=3)
    fair = Fair.objects.create(
        name="授权测试对接会",
        year=2026,
        city="成都",
        venue="会展中心",
        first_day=date(2026, 12, 10),
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(12),
        tables=2,
        status="registration_open",
    )

    def register(organisation, user, attendees="张三 13800138000"):
        return FairRegistration.objects.create(
            fair=fair, organisation=organisation, registered_by=user, attendees=attendees
        )

    registration_a = register(enterprise_a, users["ent_a"], ATTENDEES_A)
    registration_b = register(enterprise_b, users["ent_b"])
    registration_i = register(institution, users["researcher"])
    accepted = MeetingRequest.objects.create(
        fair=fair,
        requester=registration_a,
        recipient=registration_i,
        match=match,
        status="accepted",
        requested_by=users["ent_a"],
    )
    meeting = Meeting.objects.create(request=accepted, fair=fair, slot=0, table=1)
    pending = MeetingRequest.objects.create(
        fair=fair, requester=registration_b, recipient=registration_i, requested_by=users["ent_b"]
    )
    job = ImportJob(
        kind="needs", original_name="needs.csv", created_by=users["station_in"], status="valid"
    )
    job.file.save("needs.csv", ContentFile("需求名称\n".encode()), save=False)
    job.save()
    saved_search = SavedSearch.objects.create(user=users["ent_a"], target="results", query="冷链")
    Notification.objects.create(user=users["ent_a"], kind="new_match", title="新匹配")
    ShortLink.objects.create(code="authzlink", path=f"/matches/{match.pk}/")
    membership_request = Membership.objects.create(
        user=UserFactory(username="authz-joiner"),
        organisation=enterprise_a,
        status=MembershipStatus.PENDING,
    )
    task_failure = TaskFailure.objects.create(
        task_name="matchmaking.tasks.send_reminders", args=[], kwargs={}, exception="E: x"
    )
    report = MonthlyReport.objects.create(
        scope="province", scope_key="province:52", scope_name="贵州省", period=date(2026, 11, 1)
    )
    subscription = ReportSubscription.objects.create(user=users["admin"], scope_key="province:52")
    sessions = {}
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "users": users,
        "sessions": sessions,
        "enterprise_a": enterprise_a,
        "unverified": unverified,
        "institution": institution,
        "need": need,
        "result": result,
        "draft_need": draft_need,
        "draft_result": draft_result,
        "photos": photos,
        "match": match,
        "evaluation": evaluation,
        "plan": plan,
        "adoption_cost": adoption_cost,
        "training": training,
        "fair": fair,
        "registration_a": registration_a,
        "meeting": meeting,
        "pending_request": pending,
        "job": job,
        "saved_search": saved_search,
        "membership_request": membership_request,
        "task_failure": task_failure,
        "category": category(),
        "report": report,
        "subscription": subscription,
        **_impact_world(users, need, institution),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, shared_var_dir):
    with (
        django_db_blocker.unblock(),
        # The per-test settings of conftest are not in force yet at module scope.
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=shared_var_dir / "media"),
        transaction.atomic(),
    ):
        yield _build_world()
        transaction.set_rollback(True)


MARKERS = {
    "need": lambda w: re.escape(w["need"].title),
    "result": lambda w: re.escape(w["result"].title),
    "phone_a": lambda w: PHONE_A,
    "attendees_a": lambda w: re.escape(ATTENDEES_A.split()[1]),
    "budget": lambda w: r"123457|123,457|12\.35万",
    "evaluation": lambda w: re.escape(EVALUATION["risks"]),
    "plan": lambda w: re.escape(w["plan"].summary),
    "cost": lambda w: re.escape(COST["reference_source"]),
    "training": lambda w: re.escape(w["training"].topic),
    "evidence": lambda w: re.escape(EVIDENCE_METHOD),
    "contract": lambda w: re.escape(w["contract"].subject),
}


# -- the addresses ------------------------------------------------------------------------------


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


METHODS = ("GET", "GET htmx", "POST", "PUT", "PATCH", "DELETE")


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route: what the router mapped, less what the viewset refuses
        found = {m.upper() for m in actions if m in callback.cls.http_method_names}
    elif view_class := getattr(callback, "view_class", None) or getattr(callback, "cls", None):
        handlers = ("post", "put", "patch", "delete")
        found = {"GET"} | {
            m.upper()
            for m in handlers
            if hasattr(view_class, m) and m in view_class.http_method_names
        }
        if not issubclass(view_class, APIView):
            found &= {"GET", "POST"}
    else:
        source = inspect.getsource(inspect.unwrap(callback))  # decorators included
        found = {"GET"} | ({"POST"} if "POST" in source else set())
        if "htmx" in source:
            found.add("GET htmx")
    return [m for m in METHODS if m in found]


@functools.cache
def endpoints() -> tuple[tuple[str, str], ...]:
    found = []
    for name, callback in _walk(get_resolver().url_patterns):
        if name in SKIPPED_NAMES or (name.startswith("admin:") and name not in ADMIN_ROWS):
            continue
        found += [(name, method) for method in _methods(callback) if (name, method) not in found]
    return tuple(found)


def _url(name: str, w: dict, variant: str = "") -> str:
    need = w["draft_need"] if variant == "draft" else w["need"]
    result = w["draft_result"] if variant == "draft" else w["result"]
    objects = {
        "organisation-detail": w["enterprise_a"],
        "organisation-edit": w["enterprise_a"],
        "organisation-verify": w["unverified"],
        "operations-retry": w["task_failure"],
        "membership-decide": w["membership_request"],
        "import-detail": w["job"],
        "import-progress": w["job"],
        "import-confirm": w["job"],
        "match-detail": w["match"],
        "match-action": w["match"],
        "match-undo": w["match"],
        "match-not-relevant": w["match"],
        "saved-search-delete": w["saved_search"],
        "evaluation-create": w["match"],
        "evaluation-detail": w["evaluation"],
        "plan-create": w["match"],
        "plan-detail": w["plan"],
        "adoption-cost": w["match"],
        "adoption-cost-detail": w["adoption_cost"],
        "training-detail": w["training"],
        "report-detail": w["report"],
        "report-pdf": w["report"],
        "report-unsubscribe": w["subscription"],
        "fair-request-answer": w["pending_request"],
        "api-match-detail": w["match"],
        "api-match-events": w["match"],
        "api-match-transition": w["match"],
        "api-evaluation-detail": w["evaluation"],
        "api-plan-detail": w["plan"],
        "api-adoption-cost-detail": w["adoption_cost"],
        "api-training-detail": w["training"],
        "api-meeting-request-accept": w["pending_request"],
        "api-meeting-request-decline": w["pending_request"],
        "api-meeting-outcome": w["meeting"],
        "match-impact": w["adopted"],
        "trial-create": w["match"],
        "trial-fail": w["trial"],
        "milestone-verify": w["milestone"],
        "evidence-record": w["evidence"],
        "evidence-answer": w["evidence"],
        "outcome-photo": w["outcome_photo"],
        "outcome-photo-thumbnail": w["outcome_photo"],
        "contract-form": w["adopted"],
        "contract-detail": w["contract"],
        "contract-xlsx": w["contract"],
    }
    for suffix in ("", "-thumbnail", "-delete"):
        objects[f"need-photo{suffix}"] = w["photos"][variant]
    objects["need-photo-add"] = need
    for suffix in ("detail", "edit", "transition", "matches", "undo"):
        objects[f"need-{suffix}"] = objects[f"api-need-{suffix}"] = need
        objects[f"result-{suffix}"] = objects[f"api-result-{suffix}"] = result
    kwargs = {
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "need-export": {"fmt": "csv"},
        "result-export": {"fmt": "csv"},
        "import-template": {"fmt": "csv"},
        "statistics-export": {"fmt": "csv"},
        "fair-agenda-ics": {"token": w["registration_a"].calendar_token},
        "fair-create": None,
        "fair-check-in-worker": None,
        "api-stats": {"figure": "funnel"},
        "region-detail": {"pk": "522634"},
        "short-link": {"code": "authzlink"},
        "category-detail": {"slug": w["category"].slug},
    }
    if name.startswith("api-fair-") and name != "api-fair-list":
        objects[name] = w["fair"]
    if name.startswith("fair-") and name not in (*kwargs, *objects, "fair-list"):
        objects[name] = w["fair"]  # the other fair pages are the fair's
    if name in objects:
        url = reverse(name, kwargs={"pk": objects[name].pk})
    else:
        url = reverse(name, kwargs=kwargs.get(name))
    return url + ("?figure=funnel" if name == "statistics-export" else "")


def _body(name: str, method: str, w: dict, variant: str = "") -> dict:
    """A plausible body: valid where the permission is decided after the form is read."""
    match, parent = w["match"], w["category"].parent.slug
    need_fields = {
        "organisation": w["enterprise_a"].pk,
        "title": "授权测试需求",
        "description": "想找产地预冷的办法",
        "category": w["category"].slug,
        "budget_min": "10000",
        "budget_max": "20000",
        "transfer_modes": ["technical_service"],
    }
    result_fields = {
        "organisation": w["institution"].pk,
        "title": "授权测试成果",
        "abstract": "一种产地预冷方法",
        "category": w["category"].slug,
        "trl": 6,
        "asking_price": "50000",
        "transfer_modes": ["license"],
    }
    category_fields = {
        "slug": "authz-new",
        "name": "授权类别",
        "name_en": "Authz",
        "parent": parent,
    }
    bodies = {
        "need-transition": {"to": "open" if variant == "draft" else "closed"},
        "need-photo-add": {"photos": SimpleUploadedFile("visit.jpg", image_bytes())},
        "result-transition": {"to": "listed" if variant == "draft" else "withdrawn"},
        "membership-decide": {"decision": "approve"},
        "match-action": {"action": "move", "to": "shortlisted"},
        "evaluation-create": EVALUATION,
        "plan-create": {
            "summary": "方案",
            "steps": "选址 | 吴 | 2027-03-01 | 否",
            "staff_hours": "1",
        },
        "adoption-cost": COST,
        "training-create": {
            "date": "2026-05-02",
            "place": "雷山",
            "topic": "培训",
            "trainer": "吴",
            "staff_hours": "1",
            "attendance": f"{w['enterprise_a'].credit_code} | 2",
        },
        "fair-create": FAIR_FIELDS,
        "fair-edit": FAIR_FIELDS,
        "fair-register": {"organisation": w["enterprise_a"].pk, "attendees": "李四 13900139000"},
        "fair-request": {"match": match.pk, "message": "见面谈"},
        "fair-request-answer": {"answer": "accept"},
        "report-subscribe": {"scope": "national"},
        "fair-check-in": {"registration": w["registration_a"].pk},
        "fair-meetings": {"meeting": w["meeting"].pk, "outcome": "held"},
        "saved-search-create": {"target": "needs", "query": "冷链"},
        "enterprise-account-create": {
            "full_name": "吴老乡",
            "phone": "139 8551 2345",
            "name": "授权测试新开企业",
            "credit_code": make_credit_code("授权新开", "enterprise", "522634"),
            "region": "522634",
        },
        "api-token": {"username": "authz-ent-a", "password": "pw-Nongqiao-2026"},
        "category-list": category_fields,
        ("category-detail", "PUT"): {**category_fields, "slug": w["category"].slug},
        ("category-detail", "PATCH"): {"name": "改名"},
        "api-need-list": need_fields,
        ("api-need-detail", "PUT"): {**need_fields, "title": "改过的需求"},
        ("api-need-detail", "PATCH"): {"title": "改过的需求"},
        "api-need-transition": {"to": "closed"},
        "api-result-list": result_fields,
        ("api-result-detail", "PUT"): {**result_fields, "title": "改过的成果"},
        ("api-result-detail", "PATCH"): {"title": "改过的成果"},
        "api-result-transition": {"to": "withdrawn"},
        "api-match-transition": {"to": "shortlisted"},
        "api-evaluation-list": {**EVALUATION, "match": match.pk},
        "api-plan-list": {
            "match": match.pk,
            "summary": "方案",
            "steps": [{"title": "选址", "owner": "吴", "due": "2027-03-01"}],
            "staff_hours": "1",
        },
        "api-adoption-cost-list": {**COST, "match": match.pk},
        "api-fair-register": {"attendees": "李四 13900139000", "available_slots": [0, 1]},
        "api-fair-check-in": {
            "registration": w["registration_a"].pk,
            "at": "2026-12-10T09:05:00+08:00",
        },
        "api-meeting-request-list": {"fair": w["fair"].pk, "match": match.pk},
        "api-meeting-outcome": {"outcome": "held", "note": "谈得不错"},
        "trial-create": {"subsidy": "5000", "milestones": "小试 | 损耗低于15% | 5000 | 2027-03-01"},
        "trial-fail": {"reason": "温度控制不稳"},
        "milestone-verify": {"evidence": "看过三批，损耗13%"},
        "evidence-record": {
            "unit": "percent",
            "baseline_value": "20",
            "measured_value": "12",
            "method": "称重两批",
        },
        "evidence-answer": {"answer": "confirm"},
        "contract-form": CONTRACT,
    }
    return bodies.get((name, method), bodies.get(name, {}))


def send(client: Client, key: tuple, w: dict):
    name, method, variant = (*key, "")[:3]
    url = _url(name, w, variant)
    body = _body(name, method, w, variant)
    if method == "GET":
        return client.get(url)
    if method == "GET htmx":
        return client.get(url, headers={"HX-Request": "true"})
    if method == "POST" and not url.startswith("/api/"):
        return client.post(url, body)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def answer(response):
    location = response.headers.get("Location", "")
    if response.status_code == 302 and re.match(r"^/(accounts|admin)/login/\?next=", location):
        return LOGIN
    return response.status_code


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def client_for(w: dict, role: str) -> Client:
    client = Client()
    if role in w["sessions"]:
        client.cookies[settings.SESSION_COOKIE_NAME] = w["sessions"][role]
    return client


# -- the tests ----------------------------------------------------------------------------------


def _named(keys) -> str:
    return ", ".join(" ".join(key) for key in sorted(keys))


def test_every_endpoint_has_a_row():
    missing = set(endpoints()) - {key[:2] for key in MATRIX}
    assert not missing, f"add a row to MATRIX for: {_named(missing)}"


def test_every_row_is_an_endpoint():
    stale = {key for key in MATRIX if key[:2] not in set(endpoints())}
    assert not stale, f"MATRIX has rows for addresses that are gone: {_named(stale)}"


CASES = [
    pytest.param(key, role, expected, id=f"{' '.join(key)} {role}")
    for key, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role", "expected"), CASES)
def test_role_gets_the_expected_answer(world, key, role, expected):
    response = send(client_for(world, role), key, world)
    got = answer(response)
    assert got == expected, f"{' '.join(key)} as {role}: expected {expected}, got {got}"
    if got != 200 or key not in SEES:  # a photo's answer is no text
        return
    body = text_of(response)
    for marker, seers in SEES.get(key, []):
        found = bool(re.search(MARKERS[marker](world), body))
        assert found == (role in seers), (
            f"{' '.join(key)} as {role}: {marker} {'shown' if found else 'missing'}"
        )


# -- odd input: never a server error ------------------------------------------------------------

# The query parameters the pages and the API read, all at once: text ones carry a NUL (which
# PostgreSQL text cannot hold), number-like ones a number too large for any column.
TEXT_PARAMS = [
    *("q", "province", "category", "kind", "county", "station", "sort", "status", "figure"),
    *("region_group", "mine", "state", "fit_price", "print", "next", "organisation", "level"),
    *("group", "parent", "transfer_mode", "stage", "serves", "budget_from", "budget_to"),
    *("price_from", "price_to", "description"),
]
NUMBER_PARAMS = ["staff", "levels", "registration", "enterprise", "page", "year_from", "year_to"]


def _reader(name: str) -> str:
    """Who reads the page: an admin, or where an admin is refused, the covering station."""
    row = dict(zip(ROLES, MATRIX.get((name, "GET"), ()), strict=False))
    return "station_in" if row.get("admin") != 200 and row.get("station_in") == 200 else "admin"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted({name for name, method in endpoints() if method == "GET"}))
def test_odd_query_parameters_never_fail_the_server(world, name):
    params = {p: "\x00" for p in TEXT_PARAMS} | {p: "9" * 24 for p in NUMBER_PARAMS}
    url = _url(name, world)
    response = client_for(world, _reader(name)).get(
        url, {**QueryDict(urlsplit(url).query).dict(), **params}
    )
    assert response.status_code < 500, f"{name}: {response.status_code}"


PLAN = {"summary": "方案", "steps": [{"title": "选址"}], "staff_hours": "1"}
ODD_PLANS = {
    "cost line not an object": ({"cost_lines": ["冷库"]}, "cost_lines"),
    "cost lines not a list": ({"cost_lines": "冷库 8万"}, "cost_lines"),
    "amount not a number": ({"cost_lines": [{"item": "冷库", "amount": "八万"}]}, "cost_lines"),
    "amount beyond any budget": (
        {"cost_lines": [{"item": "冷库", "amount": "1e30"}]},
        "cost_lines",
    ),
    "steps not a list": ({"steps": "选址"}, "steps"),
    "step without a title": ({"steps": [{"owner": "吴"}]}, "steps"),
    "step due on no date": ({"steps": [{"title": "选址", "due": "2027-02-30"}]}, "steps"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), ODD_PLANS.values(), ids=ODD_PLANS.keys())
def test_an_odd_plan_through_the_api_gets_a_field_error(world, change, field):
    body = {**PLAN, "match": world["match"].pk, **change}
    response = client_for(world, "station_in").post(
        reverse("api-plan-list"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
