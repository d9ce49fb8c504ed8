"""The shapes the API reads and writes. Validation of content is the models' own
(`full_clean` in the services), so the API and the pages refuse the same input."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lotse.api.models import ApiToken
from lotse.cases.models import Case, Goal, Step
from lotse.clients.lib import codes
from lotse.clients.models import Client
from lotse.core.models import Term
from lotse.counselling.models import Contact
from lotse.network.models import Appointment, Referral, Service
from lotse.reports.models import ReportRun

V = Term.Vocabulary


def term(vocabulary: str, **kwargs: Any) -> serializers.SlugRelatedField[Term]:
    """A term of a vocabulary, by its code."""
    queryset = Term.objects.filter(vocabulary=vocabulary, is_active=True)
    return serializers.SlugRelatedField(slug_field="code", queryset=queryset, **kwargs)


def shown(slug_field: str, **kwargs: Any) -> serializers.SlugRelatedField[Any]:
    """A related record shown by its code or key, read-only."""
    return serializers.SlugRelatedField(slug_field=slug_field, read_only=True, **kwargs)


class ClientSerializer(serializers.ModelSerializer[Client]):
    nationalities = serializers.ListField(
        child=serializers.ChoiceField(choices=[code for code, _ in codes.country_choices("en")]),
        max_length=3,
        required=False,
    )
    preferred_channel = term(V.CHANNEL, required=False, allow_null=True)
    # Plain text in the document, so that an empty value matches it; the model checks
    # the form of an address when it is saved.
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)

    class Meta:
        model = Client
        fields = [
            "id",
            "office",
            "given_names",
            "family_name",
            "name_original_script",
            "other_spellings",
            "birth_year",
            "birth_month",
            "birth_day",
            "sex",
            "nationalities",
            "entry_date",
            "phone",
            "email",
            "address",
            "preferred_channel",
            "bamf_file_number",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["office", "created_at", "updated_at"]


class ContactSerializer(serializers.ModelSerializer[Contact]):
    kind = term(V.CONTACT_KIND)
    channel = term(V.CHANNEL)
    topics = term(V.TOPIC, many=True)
    interpreting = term(V.INTERPRETING, required=False, allow_null=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            "counsellor",
            "kind",
            "date",
            "duration_minutes",
            "channel",
            "topics",
            "language",
            "interpreting",
            "note",
            "created_at",
        ]
        read_only_fields = ["client", "counsellor", "created_at"]


class StepSerializer(serializers.ModelSerializer[Step]):
    class Meta:
        model = Step
        fields = ["id", "actor", "service_name", "what", "due_on", "status"]


class GoalSerializer(serializers.ModelSerializer[Goal]):
    field_of_action = shown("code")
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "field_of_action", "what", "indicator", "due_on", "priority", "status"]
        fields += ["steps"]


class CaseSerializer(serializers.ModelSerializer[Case]):
    programme = shown("key")
    closure_reason = shown("code", allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "client",
            "programme",
            "office",
            "counsellor",
            "deputy",
            "phase",
            "opened_on",
            "limit_until",
            "closed_on",
            "closure_reason",
            "version",
        ]
        read_only_fields = fields


class CaseWithPlanSerializer(CaseSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "goals"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    class Meta:
        model = Referral
        fields = [
            "id",
            "client",
            "service",
            "case",
            "kind",
            "purpose",
            "made_on",
            "status",
            "accompanied",
            "feedback_due_on",
            "feedback_on",
        ]
        read_only_fields = fields


class AppointmentSerializer(serializers.ModelSerializer[Appointment]):
    channel = shown("code")

    class Meta:
        model = Appointment
        fields = [
            "id",
            "office",
            "counsellor",
            "client",
            "service",
            "starts_at",
            "duration_minutes",
            "channel",
            "place",
            "interpreter_language",
            "subject",
            "status",
        ]
        read_only_fields = fields


class ServiceSerializer(serializers.ModelSerializer[Service]):
    service_type = shown("code")
    topics = shown("code", many=True)
    municipality = shown("ags", allow_null=True)
    email = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "organisation",
            "name",
            "service_type",
            "topics",
            "languages",
            "address",
            "municipality",
            "contact_person",
            "phone",
            "email",
            "website",
            "is_active",
        ]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer[ReportRun]):
    template: serializers.StringRelatedField[Any] = serializers.StringRelatedField(read_only=True)
    result = serializers.JSONField(read_only=True)

    class Meta:
        model = ReportRun
        fields = ["id", "template", "level", "unit_label", "start", "end", "status", "result"]
        read_only_fields = fields


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["name", "prefix", "scopes", "expires_on"]
