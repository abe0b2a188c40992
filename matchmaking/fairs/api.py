"""The fair through the API: the same services and selectors (matchmaking/fairs/) and the same
permission rules (accounts/permissions.py) as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts import permissions
from accounts import selectors as accounts_selectors
from matchmaking.core.api import as_drf_error
from matchmaking.fairs import selectors, services
from matchmaking.fairs.states import MeetingOutcome
from matchmaking.listings import selectors as listings_selectors
from matchmaking.matches import selectors as matches_selectors
from matchmaking.models import Fair, FairRegistration, Meeting, MeetingRequest

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField


@extend_schema_field({"type": "string", "pattern": r"^\d\d:\d\d$", "example": "09:00"})
class ClockField(serializers.TimeField):
    """A time of day in the fair's time zone (Asia/Shanghai), HH:MM: not an RFC 3339 time,
    which would need an offset."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class SlotSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class FairSerializer(serializers.ModelSerializer):
    day_start = ClockField(read_only=True)
    day_end = ClockField(read_only=True)
    breaks = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        help_text="[[start, end], …] as HH:MM: no meetings start inside a break.",
    )

    class Meta:
        model = Fair
        fields = [
            "id",
            "name",
            "year",
            "city",
            "venue",
            "first_day",
            "days",
            "registration_opens",
            "registration_closes",
            "day_start",
            "day_end",
            "slot_minutes",
            "breaks",
            "tables",
            "max_meetings",
            "status",
        ]
        read_only_fields = fields


class FairDetailSerializer(FairSerializer):
    slots = serializers.SerializerMethodField()

    class Meta(FairSerializer.Meta):
        fields = [*FairSerializer.Meta.fields, "slots"]
        read_only_fields = fields

    @extend_schema_field(SlotSerializer(many=True))
    def get_slots(self, fair):
        rows = [{"index": i, "start": s, "end": e} for i, s, e in fair.slots()]
        return SlotSerializer(rows, many=True).data


class RegistrationInputSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Your organisation to register; the first one if left out.",
    )
    attendees = serializers.CharField(max_length=2000, help_text="One person a line.")
    available_slots = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=10_000),
        required=False,
        default=list,
        max_length=1000,
        help_text="Slot indexes you can attend; empty: all.",
    )
    # Ids beyond a 64-bit key would reach the database as an overflow (a 500), not a miss.
    needs = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
    )
    standby = serializers.BooleanField(
        required=False, help_text="On the day, take a freed table with a matching participant."
    )
    results = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
    )


class RegistrationSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = FairRegistration
        fields = [
            "id",
            "fair",
            "organisation",
            "organisation_name",
            "attendees",
            "available_slots",
            "needs",
            "results",
            "check_in_code",
            "standby",
            "checked_in_at",
            "calendar_url",
        ]
        read_only_fields = fields

    def get_calendar_url(self, registration) -> str:
        return reverse("fair-agenda-ics", args=[registration.calendar_token])


class ParticipantSerializer(serializers.ModelSerializer):
    """What every participant may see of another: no attendees, no phones."""

    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    kind = serializers.CharField(source="organisation.kind", read_only=True)
    region = serializers.CharField(source="organisation.region.name", default="", read_only=True)

    class Meta:
        model = FairRegistration
        fields = ["id", "organisation", "name", "kind", "region", "needs", "results"]
        read_only_fields = fields


class MeetingRequestSerializer(serializers.ModelSerializer):
    requester_name = serializers.CharField(source="requester.organisation.name", read_only=True)
    recipient_name = serializers.CharField(source="recipient.organisation.name", read_only=True)

    class Meta:
        model = MeetingRequest
        fields = [
            "id",
            "fair",
            "requester",
            "requester_name",
            "recipient",
            "recipient_name",
            "match",
            "message",
            "status",
            "created_at",
            "answered_at",
        ]
        read_only_fields = fields


class MeetingRequestInputSerializer(serializers.Serializer):
    fair = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    match = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Ask the other side of this match."
    )
    recipient = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Or: the participant (registration id) to meet.",
    )
    requester = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Your registration asking; the first if left out.",
    )
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    def validate(self, attrs):
        if ("match" in attrs) == ("recipient" in attrs):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give either a match or a recipient.")]}
            )
        return attrs


class AgendaRowSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting.pk")
    slot = serializers.IntegerField(source="meeting.slot")
    table = serializers.IntegerField(source="meeting.table")
    status = serializers.CharField(source="meeting.status")
    start = serializers.DateTimeField(allow_null=True)
    end = serializers.DateTimeField(allow_null=True)
    with_registration = serializers.IntegerField(source="other.pk")
    with_name = serializers.CharField(source="other.organisation.name")
    with_attendees = serializers.CharField(source="other.attendees")


class AgendaSerializer(serializers.Serializer):
    registration = serializers.IntegerField(source="registration.pk")
    organisation_name = serializers.CharField(source="registration.organisation.name")
    calendar_url = serializers.CharField()
    meetings = AgendaRowSerializer(many=True)


class CheckInInputSerializer(serializers.Serializer):
    registration = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    code = serializers.CharField(
        max_length=8, required=False, help_text="Or: the code printed on the agenda."
    )
    at = serializers.DateTimeField(
        required=False,
        help_text="When the desk checked them in (a desk offline syncs later); the first wins.",
    )

    def validate(self, attrs):
        if ("registration" in attrs) == ("code" in attrs):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give either a registration or a code.")]}
            )
        return attrs


class CheckInSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = FairRegistration
        fields = ["id", "organisation", "organisation_name", "check_in_code", "checked_in_at"]
        read_only_fields = fields


class OutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=MeetingOutcome.choices)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "fair", "request", "slot", "table", "status", "outcome", "outcome_note"]
        read_only_fields = fields


class FairViewSet(viewsets.ReadOnlyModelViewSet):
    """技术对接会: the fairs, their slots and breaks; registration, participants, agendas and the
    check-in desk."""

    queryset = selectors.fair_queryset()
    lookup_value_regex = r"\d+"
    permission_classes = [drf_permissions.IsAuthenticatedOrReadOnly]

    def get_serializer_class(self):
        return FairDetailSerializer if self.action == "retrieve" else FairSerializer

    @extend_schema(request=RegistrationInputSerializer, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[drf_permissions.IsAuthenticated])
    def register(self, request, pk=None):
        """Register (or change the registration of) one of your organisations."""
        fair = self.get_object()
        body = RegistrationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        own = permissions.organisations_of(request.user)
        if "organisation" in data:
            organisation = accounts_selectors.organisation_by_pk(data["organisation"])
            if organisation is None:
                raise serializers.ValidationError({"organisation": [_("No such organisation.")]})
        elif own:
            organisation = own[0]
        else:
            raise PermissionDenied
        try:
            registration = services.registration_save(
                fair=fair,
                organisation=organisation,
                by=request.user,
                attendees=data["attendees"],
                available_slots=data["available_slots"],
                needs=listings_selectors.needs_by_pk(data["needs"]),
                results=listings_selectors.results_by_pk(data["results"]),
                standby=data.get("standby"),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(responses=ParticipantSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[drf_permissions.IsAuthenticated])
    def participants(self, request, pk=None):
        """Who registered: public fields only."""
        fair = self.get_object()
        page = self.paginate_queryset(selectors.participants_public(fair))
        return self.get_paginated_response(ParticipantSerializer(page, many=True).data)

    @extend_schema(responses=RegistrationSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="my-registrations",
        pagination_class=None,
        permission_classes=[drf_permissions.IsAuthenticated],
    )
    def my_registrations(self, request, pk=None):
        """Your organisations' registrations for this fair."""
        fair = self.get_object()
        return Response(
            RegistrationSerializer(selectors.registrations_of(request.user, fair), many=True).data
        )

    @extend_schema(responses=AgendaSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        permission_classes=[drf_permissions.IsAuthenticated],
    )
    def agenda(self, request, pk=None):
        """Your meetings, one agenda per registration of yours, with the .ics address."""
        fair = self.get_object()
        return Response(
            AgendaSerializer(
                [
                    {
                        "registration": registration,
                        "calendar_url": reverse(
                            "fair-agenda-ics", args=[registration.calendar_token]
                        ),
                        "meetings": selectors.agenda_of(registration),
                    }
                    for registration in selectors.registrations_of(request.user, fair)
                ],
                many=True,
            ).data
        )

    @extend_schema(request=CheckInInputSerializer, responses={200: CheckInSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="check-in",
        permission_classes=[drf_permissions.IsAuthenticated],
    )
    def check_in(self, request, pk=None):
        """The desk: admins, the organising stations, stations covering the registrant."""
        fair = self.get_object()
        if not permissions.can_run_fair(request.user):
            raise PermissionDenied
        body = CheckInInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        visible = permissions.check_in_registrations(
            request.user, fair, selectors.desk_registrations(fair)
        )
        if "code" in body.validated_data:
            try:
                registration = selectors.registration_by_code(
                    fair=fair, code=body.validated_data["code"], by=request.user
                )
            except DjangoValidationError as error:
                raise as_drf_error(error) from error
        else:
            registration = selectors.desk_registration(visible, body.validated_data["registration"])
        if registration is None:
            raise NotFound
        registration = services.check_in(
            registration=registration, by=request.user, at=body.validated_data.get("at")
        )
        return Response(CheckInSerializer(registration).data)


class MeetingRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Meeting requests your organisations sent or received; ask, accept, decline."""

    serializer_class = MeetingRequestSerializer
    permission_classes = [drf_permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    queryset = selectors.meeting_requests().none()

    def get_queryset(self):
        if self.action != "list":  # answering: the service decides who may
            return selectors.meeting_requests()
        return selectors.meeting_requests_of(self.request.user)

    @extend_schema(request=MeetingRequestInputSerializer, responses={201: MeetingRequestSerializer})
    def create(self, request):
        body = MeetingRequestInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        fair = selectors.fair_by_pk(data["fair"])
        if fair is None:
            raise serializers.ValidationError({"fair": [_("No such fair.")]})
        try:
            if "match" in data:
                match = matches_selectors.match_with_sides(data["match"])
                if match is None:
                    raise serializers.ValidationError({"match": [_("No such match.")]})
                created = services.meeting_request_from_match(
                    fair=fair, match=match, by=request.user, message=data["message"]
                )
            else:
                mine = selectors.registrations_of(request.user, fair)
                requester = next(
                    (r for r in mine if r.pk == data.get("requester")),
                    None if "requester" in data else (mine[0] if mine else None),
                )
                if requester is None:
                    raise serializers.ValidationError(
                        {"requester": [_("Register one of your organisations for the fair first.")]}
                    )
                recipient = selectors.participant(fair, data["recipient"])
                if recipient is None:
                    raise serializers.ValidationError(
                        {"recipient": [_("No such participant in this fair.")]}
                    )
                created = services.meeting_request_create(
                    fair=fair,
                    requester=requester,
                    recipient=recipient,
                    by=request.user,
                    message=data["message"],
                )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(MeetingRequestSerializer(created).data, status=201)

    def _answer(self, accept: bool):
        meeting_request = self.get_object()
        try:
            answered = services.meeting_request_answer(
                request=meeting_request, by=self.request.user, accept=accept
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(MeetingRequestSerializer(answered).data)

    @extend_schema(request=None, responses={200: MeetingRequestSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The invited organisation (or its station) accepts."""
        return self._answer(True)

    @extend_schema(request=None, responses={200: MeetingRequestSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The invited organisation (or its station) declines."""
        return self._answer(False)


class MeetingViewSet(viewsets.GenericViewSet):
    """A scheduled meeting: its outcome, recorded by a station covering one side."""

    serializer_class = MeetingSerializer
    permission_classes = [drf_permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    queryset = selectors.meetings_for_outcome()

    @extend_schema(request=OutcomeInputSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        if not permissions.can_record_outcome(request.user, meeting):
            raise PermissionDenied
        body = OutcomeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            meeting = services.record_outcome(
                meeting=meeting, by=request.user, **body.validated_data
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(MeetingSerializer(meeting).data)
