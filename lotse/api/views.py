"""The JSON API (`/api/v1/`): the records the pages show, through the same queries.

Reads of personal data are audited as on the pages (a list is a listing of the clients
shown, a client is a read of the file). A change must name the version it was made
from (`If-Match` with the `ETag` of the last read): a stale change is refused with 412,
one without the header with 428. A POST with an `Idempotency-Key` is answered once and
the same answer replayed for a repeat, so a retried request creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, pagination, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from lotse.api import serializers as s
from lotse.api.auth import ScopeAndCapability, TokenAuthentication
from lotse.api.models import IdempotentRequest
from lotse.cases.models import Case
from lotse.cases.queries import cases_for
from lotse.clients import services as client_services
from lotse.clients.models import Client
from lotse.clients.queries import clients_for, get_client_for
from lotse.core import access
from lotse.core.access import Capability
from lotse.counselling.models import Contact
from lotse.network.queries import appointments_for, referrals_for, services_for
from lotse.reports.models import ReportRun
from lotse.reports.queries import runs_for

PERSONAL = Capability.PERSONAL_DATA
M = TypeVar("M", bound=Model)


class Cursor(pagination.CursorPagination):
    """Pages by position, not by number: no count over all rows, stable while rows
    are added."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"


class ApiViewSet(viewsets.GenericViewSet[Any]):
    authentication_classes = [TokenAuthentication]
    permission_classes = [ScopeAndCapability]
    pagination_class = Cursor
    scope = ""
    capability = Capability.SIGNED_IN
    # Query parameters: name → (type, how it filters the queryset).
    filters: dict[str, tuple[Any, Callable[[QuerySet[Any], Any], QuerySet[Any]]]] = {}

    # The client a listed row shows, if any: a list is a listing of those clients.
    client_of: Callable[[Any], Client | None] | None = None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        self.record_reading(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def record_reading(self, page: Sequence[Any]) -> None:
        """A list is a listing of the clients its rows show."""
        if self.client_of is not None:
            shown = [client for row in page if (client := self.client_of(row)) is not None]
            client_services.record_listing(
                self.request.user, list(dict.fromkeys(shown)), f"api:{self.basename}"
            )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        for name, (kind, apply) in self.filters.items():
            raw = self.request.query_params.get(name)
            if raw is None or self.action != "list":
                continue
            value = PARSE[kind](raw)
            if value is None:
                raise exceptions.ValidationError({name: [_("This value is not valid.")]})
            queryset = apply(queryset, value)
        return queryset


def _integer(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


PARSE: dict[Any, Callable[[str], Any]] = {
    OpenApiTypes.INT: _integer,
    OpenApiTypes.DATE: lambda raw: _safe(parse_date, raw),
    OpenApiTypes.DATETIME: lambda raw: _moment(raw),
    OpenApiTypes.STR: lambda raw: raw if 0 < len(raw) <= 100 and "\x00" not in raw else None,
}


def _moment(raw: str) -> dt.datetime | None:
    """A point in time between 1900 and 2999, in UTC (a local time if no offset is
    given); anything else is not a valid filter."""
    moment: dt.datetime | None = _safe(parse_datetime, raw)
    if moment is None or not 1900 <= moment.year <= 2999:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(dt.UTC)


def _safe(parse: Callable[[str], Any], raw: str) -> Any:
    try:
        return parse(raw)
    except ValueError:
        return None


def parameters(view: type[ApiViewSet]) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, kind) for name, (kind, _apply) in view.filters.items()]


# --- versions and idempotency -------------------------------------------------------


def etag_of(obj: Model) -> str:
    version = getattr(obj, "version", None)
    if version is None:
        version = obj.updated_at.isoformat()  # type: ignore[attr-defined]
    return '"' + hashlib.sha256(f"{obj.pk}:{version}".encode()).hexdigest()[:32] + '"'


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the record as last read; a stale one is refused with 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A key unique to this request (e.g. a UUID); a repeat is answered "
    "with the first answer and creates nothing.",
)


def idempotent(
    request: Request,
    create: Callable[[], M],
    find: Callable[[int], M],
    answer: Callable[[M], Response],
) -> Response:
    """`create` a record once per Idempotency-Key of this user and `answer` with it; a
    repeat of the request within a day is answered with the record as it is now
    (`find`, within the user's reach), with `Idempotent-Replayed: true`."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return answer(create())
    if len(key) > 200:
        raise exceptions.ValidationError({"Idempotency-Key": [_("At most 200 characters.")]})
    body = json.dumps(request.data, sort_keys=True, default=str)
    fingerprint = hashlib.sha256(f"{key}\n{request.method} {request.path}\n{body}".encode())
    user = access.acting_user(request)
    since = timezone.now() - dt.timedelta(hours=IdempotentRequest.KEEP_HOURS)
    for _attempt in range(2):
        stored = IdempotentRequest.objects.filter(user=user, key=key, created_at__gte=since)
        earlier = stored.first()
        if earlier is not None:
            if earlier.fingerprint != fingerprint.hexdigest():
                return Response(
                    {"detail": _("This Idempotency-Key was used for a different request.")},
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            response = answer(find(earlier.object_id))
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            with transaction.atomic():
                IdempotentRequest.objects.filter(created_at__lt=since).delete()
                record = create()
                IdempotentRequest.objects.create(
                    user=user, key=key, fingerprint=fingerprint.hexdigest(), object_id=record.pk
                )
            return answer(record)
        except IntegrityError:
            continue  # the same key was stored meanwhile by a concurrent request: replay it
    raise exceptions.APIException(_("The request could not be completed; please retry."))


def as_api_error(error: ValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {
                ("non_field_errors" if k == "__all__" else k): v
                for k, v in error.message_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": error.messages})


# --- clients and contacts -----------------------------------------------------------


class ClientViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    scope = "clients"
    lookup_url_kwarg = "client_pk"
    client_of = staticmethod(lambda client: client)
    capability = PERSONAL
    serializer_class = s.ClientSerializer
    filters = {
        "updated_since": (OpenApiTypes.DATETIME, lambda q, v: q.filter(updated_at__gte=v)),
        "office": (OpenApiTypes.INT, lambda q, v: q.filter(office_id=v)),
    }

    def get_queryset(self) -> QuerySet[Client]:
        return clients_for(self.request.user).select_related("preferred_channel")

    def get_object(self) -> Client:
        return get_client_for(self.request.user, self.kwargs["client_pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = self.get_object()
        tag = etag_of(client)
        if request.headers.get("If-None-Match") == tag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        client_services.record_access(request.user, client, "api")
        return Response(self.get_serializer(client).data, headers={"ETag": tag})

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: s.ClientSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return idempotent(
            request,
            lambda: self._create(request),
            lambda pk: get_client_for(request.user, pk),
            lambda client: Response(
                self.get_serializer(client).data,
                status=status.HTTP_201_CREATED,
                headers={"ETag": etag_of(client), "Location": f"{request.path}{client.pk}/"},
            ),
        )

    def _create(self, request: Request) -> Client:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offices = access.offices_for(request.user, PERSONAL)
        office_id = str(request.data.get("office", "")) if isinstance(request.data, dict) else ""
        office = offices.get() if not office_id and offices.count() == 1 else None
        if office is None:
            pk = _integer(office_id)
            office = offices.filter(pk=pk).first() if pk is not None else None
            if office is None:
                raise exceptions.ValidationError(
                    {"office": [_("Name one of your offices (its id).")]}
                )
        client = Client(office=office, **serializer.validated_data)
        try:
            client_services.save_client(request.user, client)
        except ValidationError as error:
            raise as_api_error(error) from None
        return client

    @extend_schema(
        parameters=[IF_MATCH],
        responses={
            200: s.ClientSerializer,
            412: OpenApiResponse(description="The record changed since it was read."),
            428: OpenApiResponse(description="If-Match is missing."),
        },
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = self.get_object()  # outside the user's reach: 404 before anything else
        wanted = request.headers.get("If-Match")
        if not wanted:
            return Response(
                {"detail": _("Send the ETag of your last read in If-Match.")},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        with transaction.atomic():
            locked = Client.objects.select_for_update().get(pk=client.pk)
            if etag_of(locked) != wanted:
                return Response(
                    {"detail": _("The record was changed since you read it; read it again.")},
                    status=status.HTTP_412_PRECONDITION_FAILED,
                    headers={"ETag": etag_of(locked)},
                )
            serializer = self.get_serializer(locked, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            for name, value in serializer.validated_data.items():
                setattr(locked, name, value)
            try:
                client_services.save_client(request.user, locked)
            except ValidationError as error:
                raise as_api_error(error) from None
        return Response(self.get_serializer(locked).data, headers={"ETag": etag_of(locked)})


class ContactViewSet(ApiViewSet):
    scope = "clients"
    capability = PERSONAL
    serializer_class = s.ContactSerializer
    filters = {
        "since": (OpenApiTypes.DATE, lambda q, v: q.filter(date__gte=v)),
        "until": (OpenApiTypes.DATE, lambda q, v: q.filter(date__lte=v)),
    }

    @cached_property
    def client(self) -> Client:
        """The client of the URL, looked up once per request."""
        return get_client_for(self.request.user, self.kwargs["client_pk"])

    def get_queryset(self) -> QuerySet[Any]:
        return self.client.contacts.select_related(
            "kind", "channel", "interpreting"
        ).prefetch_related("topics")

    def record_reading(self, page: Sequence[Any]) -> None:
        """The contacts of one client are a read of the file."""
        client_services.record_access(self.request.user, self.client, "api-contacts")

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={201: s.ContactSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return idempotent(
            request,
            lambda: self._create(request),
            lambda pk: access.get_or_404(self.get_queryset(), pk=pk),
            lambda contact: Response(
                self.get_serializer(contact).data, status=status.HTTP_201_CREATED
            ),
        )

    def _create(self, request: Request) -> Contact:
        client = self.client
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        topics = data.pop("topics")
        contact = Contact(
            client=client, office=client.office, counsellor=access.acting_user(request), **data
        )
        try:
            client_services.log_contact(request.user, contact, topics)
        except ValidationError as error:
            raise as_api_error(error) from None
        return contact


# --- cases, referrals, appointments, services, reports -------------------------------


class CaseViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    scope = "cases"
    lookup_url_kwarg = "case_pk"
    client_of = attrgetter("client")
    capability = PERSONAL
    filters = {
        "phase": (OpenApiTypes.STR, lambda q, v: q.filter(phase=v)),
        "client": (OpenApiTypes.INT, lambda q, v: q.filter(client_id=v)),
        "programme": (OpenApiTypes.STR, lambda q, v: q.filter(programme__key=v)),
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return s.CaseWithPlanSerializer if self.action == "retrieve" else s.CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        # The client for the audit event of the listing (client_of).
        return cases_for(self.request.user).select_related("programme", "closure_reason", "client")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = access.get_or_404(
            self.get_queryset().prefetch_related("goals__field_of_action", "goals__steps"),
            pk=self.kwargs["case_pk"],
        )
        client_services.record_access(request.user, case.client, "api-case")
        return Response(self.get_serializer(case).data, headers={"ETag": etag_of(case)})


class ReferralViewSet(ApiViewSet):
    scope = "network"
    client_of = attrgetter("client")
    capability = PERSONAL
    serializer_class = s.ReferralSerializer
    filters = {
        "status": (OpenApiTypes.STR, lambda q, v: q.filter(status=v)),
        "client": (OpenApiTypes.INT, lambda q, v: q.filter(client_id=v)),
    }

    def get_queryset(self) -> QuerySet[Any]:
        return referrals_for(self.request.user).select_related("client")


class AppointmentViewSet(ApiViewSet):
    scope = "network"
    client_of = attrgetter("client")
    capability = PERSONAL
    serializer_class = s.AppointmentSerializer
    filters = {
        "from": (OpenApiTypes.DATETIME, lambda q, v: q.filter(starts_at__gte=v)),
        "to": (OpenApiTypes.DATETIME, lambda q, v: q.filter(starts_at__lt=v)),
    }

    def get_queryset(self) -> QuerySet[Any]:
        return appointments_for(self.request.user).select_related("client", "channel")


class ServiceViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """The service directory: no personal data."""

    scope = "network"
    lookup_url_kwarg = "service_pk"
    capability = Capability.DIRECTORY
    serializer_class = s.ServiceSerializer
    filters = {
        "service_type": (OpenApiTypes.STR, lambda q, v: q.filter(service_type__code=v)),
        "municipality": (OpenApiTypes.STR, lambda q, v: q.filter(municipality__ags=v)),
    }

    def get_queryset(self) -> QuerySet[Any]:
        services = services_for(self.request.user)
        return services.select_related("service_type", "municipality").prefetch_related("topics")


class ReportViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """The user's built reports: aggregates only, small counts withheld as on the page."""

    scope = "reports"
    lookup_url_kwarg = "run_pk"
    capability = Capability.VIEW_AGGREGATES
    serializer_class = s.ReportSerializer

    def get_queryset(self) -> QuerySet[ReportRun]:
        return runs_for(self.request.user).filter(status=ReportRun.Status.DONE)


VIEWSETS = [ClientViewSet, ContactViewSet, CaseViewSet, ReferralViewSet, AppointmentViewSet]
VIEWSETS += [ServiceViewSet, ReportViewSet]
for view in VIEWSETS:
    extend_schema_view(list=extend_schema(parameters=parameters(view)))(view)
