from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import create_demo_accounts
from config import audit
from matchmaking.demo import vectors
from matchmaking.demo.outcomes import create_demo_impact
from matchmaking.demo.world import (
    create_demo_fair,
    create_demo_journeys,
    create_station_activity,
    create_world,
)
from matchmaking.matches import matching
from matchmaking.models import Match


class Command(BaseCommand):
    help = "Create the demo world (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--save-vectors",
            action="store_true",
            help="write the demo listings' vectors to the file shipped with the demo content",
        )

    def handle(self, *args, save_vectors, **options):
        # Made-up data, changed by nobody: the audit trail starts with people's edits.
        with audit.paused():
            self._create()
        if save_vectors:
            saved = vectors.save_vectors()
            self.stdout.write(f"{saved} vectors saved to {vectors.VECTORS_FILE}.")

    def _create(self):
        with transaction.atomic():
            users = create_demo_accounts()
            created = create_world(users["admin"])
        # Vectors first, so that the first matches are by meaning too: read from the shipped
        # file, or encoded here for text the file does not have.
        embedded = vectors.embed_demo()
        if embedded:
            self.stdout.write(f"Matching by meaning: {embedded} listings given their vectors.")
        if embedded or not Match.objects.exists():
            # Eager tasks (the embedded default) run the rebuild here; with a broker, workers do.
            matching.start_rebuild()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            activity = create_station_activity()
            if activity:
                self.stdout.write(
                    "Station activity: {evaluations} evaluations, {plans} plans, "
                    "{adopted} adoptions, {declined} declined, {trainings} trainings.".format(
                        **activity
                    )
                )
            journeys = create_demo_journeys(users["admin"])
            if journeys:
                self.stdout.write(
                    "Demo journeys: {contacts} contacts, with an evaluation, a plan and a "
                    "cost.".format(**journeys)
                )
            impact = create_demo_impact()
            if impact:
                self.stdout.write(
                    "Evidence of impact: {evidence} figures measured after adoption, {trials} "
                    "trials paid by milestone, {contracts} contract dossiers.".format(**impact)
                )
            fair = create_demo_fair(users["admin"])
            if fair:
                self.stdout.write(
                    "Demo fair: {registrations} registrations, {requests} meeting requests, "
                    "{meetings} meetings on the published agenda.".format(**fair)
                )
        self.stdout.write(
            "Demo world: {organisations} organisations; {needs} needs and {results} results "
            "created this time.".format(**created)
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        )
        for role, user in users.items():
            self.stdout.write(f"  {role:<11} {user.username:<11} {user.full_name}")
