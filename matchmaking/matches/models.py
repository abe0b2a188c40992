from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.audit import AuditTrail
from matchmaking.core.fields import MEDIUM_TEXT, bounded_text
from matchmaking.enums import DeclineReason
from matchmaking.listings.models import ResearchResult, TechnologyNeed
from matchmaking.matches import states
from matchmaking.matches.states import ContactStatus, MatchState, RunStatus
from matchmaking.matching import Thesaurus, ThesaurusError


class ThesaurusKind(models.TextChoices):
    PRODUCE = "produce", _("Local produce name")
    COLLOQUIAL = "colloquial", _("Colloquial")
    DIALECT = "dialect", _("Dialect")
    ABBREVIATION = "abbreviation", _("Abbreviation")
    ENGLISH = "english", _("English term")
    TYPO = "typo", _("Common typo")
    SYNONYM = "synonym", _("Synonym")
    BLOCK = "block", _("Never expand (switch an entry off)")


class ThesaurusEntry(models.Model):
    """An admin's entry on top of the shipped thesaurus file; it wins over the file's entry."""

    term = models.CharField(_("term as people write it"), max_length=50, unique=True)
    canonical = models.CharField(
        _("canonical terms"),
        max_length=200,
        blank=True,
        help_text=_("Separated by spaces, e.g. 马铃薯 土豆. Leave empty for “never expand”."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ThesaurusKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = AuditTrail(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("thesaurus entry")
        verbose_name_plural = _("thesaurus entries")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"

    def clean(self):

        try:
            Thesaurus.from_rows([(self.term, self.canonical or "-", self.kind)], source="admin")
        except ThesaurusError as error:
            raise ValidationError(
                {"canonical": "; ".join(m for _line, m in error.errors)}
            ) from error


class Match(models.Model):
    """A (need, result) pair the matcher proposed, and how far the two sides took it."""

    need = models.ForeignKey(
        TechnologyNeed,
        verbose_name=_("need"),
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,  # the indexes below start with the need
    )
    result = models.ForeignKey(
        ResearchResult, verbose_name=_("result"), on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField(_("score"))
    text_score = models.FloatField(_("text score"))
    structured_score = models.FloatField(_("structured score"))
    rank_for_need = models.PositiveIntegerField(_("rank among the need's results"), null=True)
    rank_for_result = models.PositiveIntegerField(_("rank among the result's needs"), null=True)
    # The matcher's explanation: terms with their shares and each structured fit's reason.
    explanation = models.JSONField(_("explanation"), default=dict)
    matcher_version = models.CharField(_("matcher version"), max_length=64)
    # The matcher (method and encoder, services.matching.MATCHER) that first proposed the pair;
    # never updated afterwards, so the quality report can compare matchers by what they found.
    matcher = models.CharField(_("matcher"), max_length=100, blank=True, default="")
    # For a match found by meaning with few shared words: the result's sentences closest to
    # the need ({"key", "sentences": [{"text", "start", "end", "score"}]}), computed by a worker
    # when the match is first shown (services.matching.close_sentences); null until then.
    close_sentences = models.JSONField(_("closest sentences"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=MatchState.choices, default=MatchState.SUGGESTED
    )
    state_changed_at = models.DateTimeField(_("state changed at"), auto_now_add=True)
    contact_status = models.CharField(
        _("contact"), max_length=10, choices=ContactStatus.choices, blank=True, default=""
    )
    contact_message = bounded_text(
        _("message with the contact request"), limit=MEDIUM_TEXT, blank=True
    )
    contact_requested_at = models.DateTimeField(null=True, blank=True)
    contact_answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("note"), max_length=500, blank=True)
    # How far along the forward path the match ever got (an index into workflow.FORWARD) and
    # when it first reached each stage: the funnel reads these in one pass over the matches
    # instead of walking their events. `mark_reached` keeps them; migration 0010 filled them.
    furthest_stage = models.PositiveSmallIntegerField(_("furthest stage reached"), default=0)
    shortlisted_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    evaluating_at = models.DateTimeField(null=True, blank=True)
    solution_proposed_at = models.DateTimeField(null=True, blank=True)
    on_trial_at = models.DateTimeField(null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["need", "result"], name="match_unique_pair"),
            models.CheckConstraint(
                condition=Q(state__in=MatchState.values), name="match_state_valid"
            ),
        ]
        indexes = [
            # The station board reads state and date of each need's matches from the index
            # alone: 0.3 s less for 9,000 open needs in a station's counties.
            models.Index(
                fields=["need", "rank_for_need"],
                include=["state", "state_changed_at", "id"],
                name="match_need_rank_idx",
            ),
            models.Index(fields=["result", "rank_for_result"]),
            models.Index(fields=["state", "state_changed_at"]),
            # Time from publishing a need to its first contact request.
            models.Index(
                fields=["need", "contact_requested_at"],
                condition=Q(contact_requested_at__isnull=False),
                name="match_need_contact_idx",
            ),
            models.Index(
                fields=["contact_status", "contact_requested_at"],
                condition=Q(contact_status=ContactStatus.PENDING),
                name="match_pending_contact_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.result}"

    def mark_reached(self, state: str, when) -> list[str]:
        """Note that the match has just moved to `state`; returns the fields that changed."""

        if state not in states.FORWARD:
            return []
        changed = []
        index = states.FORWARD.index(state)
        if index > self.furthest_stage:
            self.furthest_stage = index
            changed.append("furthest_stage")
        if index and getattr(self, f"{state}_at") is None:
            setattr(self, f"{state}_at", when)
            changed.append(f"{state}_at")
        return changed

    @property
    def acted_on(self) -> bool:
        return self.state != MatchState.SUGGESTED

    @property
    def contact_open(self) -> bool:
        """Both sides see each other's contact details once the researcher accepted."""
        return self.contact_status == ContactStatus.ACCEPTED


class MatchEvent(models.Model):
    """One change of a match's state: who, when, from, to, and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=20, choices=MatchState.choices)
    to_state = models.CharField(max_length=20, choices=MatchState.choices)
    note = bounded_text(limit=MEDIUM_TEXT, blank=True)
    # Set on an undo: the move it took back. The undone event stays in the history.
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("match event")
        verbose_name_plural = _("match events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.from_state} → {self.to_state}"


class ChunkedRun(models.Model):
    """A long job split into chunks that any worker takes, with its progress: a full re-match
    or a vector backfill. The sweep resumes a run whose progress stopped."""

    status = models.CharField(
        max_length=10,
        choices=RunStatus.choices,
        default=RunStatus.RUNNING,
    )
    total_chunks = models.PositiveIntegerField(default=0)
    done_chunks = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    # Last sign of life: planned, a chunk done. The sweep resumes a run silent for too long.
    progressed_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def percent(self) -> int:
        if not self.total_chunks:
            return 0 if self.status == RunStatus.RUNNING else 100
        return round(100 * self.done_chunks / self.total_chunks)

    @property
    def chunks_per_minute(self) -> float | None:
        """The pace so far: chunks done over the time since the run started (its snapshot
        included), up to its last chunk; None before the first chunk."""
        seconds = (self.progressed_at - self.started_at).total_seconds()
        if not self.done_chunks or seconds <= 0:
            return None
        return 60 * self.done_chunks / seconds

    @property
    def estimated_end(self):
        """When a running run should be done at its pace so far; None when it cannot tell."""
        pace = self.chunks_per_minute
        if self.status != RunStatus.RUNNING or not pace or not self.total_chunks:
            return None
        left = self.total_chunks - self.done_chunks
        return self.progressed_at + timedelta(minutes=left / pace)


class RebuildRun(ChunkedRun):
    """A full re-match: a new index snapshot and every match recomputed, in chunks."""

    version = models.CharField(max_length=64, blank=True)
    pairs = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)

    class Meta(ChunkedRun.Meta):
        verbose_name = _("full re-match")
        verbose_name_plural = _("full re-matches")


class RebuildChunk(models.Model):
    """One share of a full re-match: these needs' or results' matches against the run's snapshot.

    Done once, whoever runs it and however often: a worker killed halfway leaves it undone for
    the sweep to queue again, and a second run of a done chunk changes nothing.
    """

    run = models.ForeignKey(RebuildRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=[("needs", "needs"), ("results", "results")])
    ids = models.JSONField(default=list)
    pairs = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="rebuild_chunk_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number}"


class RebuildPair(models.Model):
    """A pair one chunk of a full re-match proposes, staged before it is merged into the matches.

    A chunk writes its pairs here (PostgreSQL's COPY), then merges them into the matches in one
    statement that leaves unchanged pairs alone. The run keeps its pairs until it finishes:
    they are how it knows which suggestions it no longer makes.
    """

    # No constraints (COPY would check each row; the finish clears the table anyway), and no
    # foreign keys to the listings: a listing deleted during the run has no match to merge into.
    run = models.ForeignKey(
        RebuildRun,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index below starts with the run
    )
    chunk = models.ForeignKey(
        RebuildChunk, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    need_id = models.BigIntegerField()
    result_id = models.BigIntegerField()
    score = models.FloatField()
    text_score = models.FloatField()
    structured_score = models.FloatField()
    explanation = models.JSONField(default=dict)
    matcher = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        indexes = [
            # Result first: each merge and each drop reads the staged pairs of a chunk's
            # results; with the need first they scanned every staged pair of the run (2.5 s a
            # merge by the end of a 2.4 M-pair run, growing with it).
            models.Index(fields=["run", "result_id", "need_id"], name="rebuild_pair_run_result"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.need_id}-{self.result_id}"


class EmbedRun(ChunkedRun):
    """A backfill of dense vectors (issue 17): the listings without a current vector, encoded
    in chunks that any worker takes; `manage.py embed` or the admin's button starts one."""

    encoder = models.CharField(max_length=64, blank=True)
    planned = models.BooleanField(default=False)
    listings = models.PositiveIntegerField(default=0)
    encoded = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)

    class Meta(ChunkedRun.Meta):
        verbose_name = _("vector backfill")
        verbose_name_plural = _("vector backfills")


class EmbedChunk(models.Model):
    """One share of a backfill: these needs' or results' vectors. Encoding is idempotent (a
    current vector is kept), so a chunk cut off halfway is simply done again."""

    run = models.ForeignKey(EmbedRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=[("needs", "needs"), ("results", "results")])
    ids = models.JSONField(default=list)
    encoded = models.PositiveIntegerField(default=0)
    # Taken by a worker (or `manage.py embed`): another one leaves it alone until it is done,
    # or until the claim is older than REBUILD_STALLED_AFTER_SECONDS (its taker died).
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="embed_chunk_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number}"
