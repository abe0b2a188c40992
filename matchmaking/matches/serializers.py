from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from matchmaking.enums import DeclineReason
from matchmaking.matches import selectors
from matchmaking.matches.states import MatchState
from matchmaking.models import Match, MatchEvent


class MatchSerializer(serializers.ModelSerializer):
    need_title = serializers.CharField(source="need.title", read_only=True)
    structured_score = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Without the price fit when the need's budget is private to you; null when no "
            "other fit is known."
        ),
    )
    result_title = serializers.CharField(source="result.title", read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "need",
            "need_title",
            "result",
            "result_title",
            "score",
            "text_score",
            "structured_score",
            "rank_for_need",
            "rank_for_result",
            "explanation",
            "matcher_version",
            "state",
            "state_changed_at",
            "contact_status",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, match):
        data = super().to_representation(match)
        request = self.context.get("request")
        # The figures this viewer may see (selectors.figures_for); without a viewer, those of
        # one who may see no private budget.
        if request is not None:
            data.update(selectors.figures_for(request.user, match))
        else:
            data.update(selectors.figures_hiding_the_budget(match))
        return data


class MatchEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = MatchEvent
        fields = ["id", "actor", "from_state", "to_state", "note", "undoes", "created_at"]
        read_only_fields = fields


class MatchTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=MatchState.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reason = serializers.ChoiceField(choices=DeclineReason.choices, required=False)
    expected_state = serializers.ChoiceField(choices=MatchState.choices, required=False)
