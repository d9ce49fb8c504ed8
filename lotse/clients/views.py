from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lotse.clients import consent_pdf as consent_pdf_module
from lotse.clients import privacy, queries, services
from lotse.clients.forms import (
    RECORD_FORMS,
    ClientForm,
    DecisionDealtForm,
    DocumentForm,
    ErasureForm,
    IntakeConsentForm,
    LegalHoldForm,
    MergeForm,
    SearchForm,
    WorkingNoteForm,
    limit_record_form,
)
from lotse.clients.models import AsylumDecision, Client, Consent
from lotse.core import access, paper
from lotse.core.access import Capability
from lotse.core.forms import apply_error, save_posted
from lotse.counselling.forms import ContactForm
from lotse.counselling.models import Contact
from lotse.network import queries as network_queries

PERSONAL = Capability.PERSONAL_DATA


@access.requires(PERSONAL)
def client_list(request: HttpRequest) -> HttpResponse:
    """Search as you type; without a query, the clients seen most recently."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        hits = queries.search(request.user, query)
        clients = [h.client for h in hits]
    else:
        hits, clients = [], queries.recent_clients(request.user)
    services.record_listing(request.user, clients, "search" if query else "recent")
    context = {"form": form, "query": query, "hits": hits, "recent": clients if not query else []}
    template = "clients/_results.html" if request.headers.get("HX-Request") else "clients/list.html"
    return render(request, template, context)


@access.requires(PERSONAL)
def client_create(request: HttpRequest) -> HttpResponse:
    """Intake: minimal data, the duplicate check, and the consent, in one form."""
    offices = access.offices_for(request.user, PERSONAL)
    office = offices.first()
    if office is None:
        return redirect("core:dashboard")
    form = ClientForm(request.POST or None, instance=Client(office=office))
    consent_form = IntakeConsentForm(request.POST or None, prefix="consent")
    duplicates: list[queries.Hit] = []
    if request.method == "POST" and form.is_valid() and consent_form.is_valid():
        client = form.instance
        duplicates = queries.duplicates(
            request.user,
            given_names=client.given_names,
            family_name=client.family_name,
            birth_year=client.birth_year,
            nationalities=client.nationalities,
        )
        services.record_listing(request.user, [h.client for h in duplicates], "duplicate-check")
        if not duplicates or request.POST.get("confirm_new") == "1":
            try:
                with transaction.atomic():
                    services.save_client(request.user, client)
                    if consent_form.cleaned_data.get("record"):
                        consent = consent_form.save(commit=False)
                        consent.client, consent.recorded_by = client, access.acting_user(request)
                        services.save_record(request.user, consent)
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("The client has been registered."))
                return redirect("clients:detail", client_pk=client.pk)
    # Refused input answers 422 like the other forms; the duplicate question is not an error.
    refused = bool(form.errors or consent_form.errors)
    return render(
        request,
        "clients/create.html",
        {"form": form, "consent_form": consent_form, "duplicates": duplicates},
        status=422 if refused else 200,
    )


def _file_context(request: HttpRequest, client: Client, **forms: Any) -> dict[str, Any]:
    context = queries.client_file(request.user, client)
    context["contact_form"] = forms.get("contact_form") or ContactForm(client=client)
    context["note_form"] = forms.get("note_form") or WorkingNoteForm()
    context["document_form"] = forms.get("document_form") or DocumentForm()
    context["can_merge"] = _leads(request, client)
    context.update(network_queries.client_network(request.user, client))
    context["matches"] = client.volunteer_matches.select_related("volunteer").order_by("-starts_on")
    return context


def _leads(request: HttpRequest, client: Client) -> bool:
    """Whether the user leads the team of the client's office (merging is theirs)."""
    return access.holds_in_office(request.user, Capability.MANAGE_TEAM, client.office_id)


@access.requires(PERSONAL)
def client_detail(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, client_pk)
    services.record_access(request.user, client)
    return render(request, "clients/detail.html", _file_context(request, client))


@access.requires(PERSONAL)
def client_edit(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, client_pk)
    form = ClientForm(request.POST or None, instance=client)

    def save() -> object:
        return services.save_client(request.user, form.instance)

    done = _("The changes have been saved.")
    if request.method == "POST" and save_posted(request, form, save, done):
        return redirect("clients:detail", client_pk=client.pk)
    services.record_access(request.user, client, "edit")  # the form shows the file's data
    return render(request, "clients/edit.html", {"client": client, "form": form})


@access.requires(PERSONAL)
def record_add(request: HttpRequest, client_pk: int, kind: str) -> HttpResponse:
    """Add one part of the file: language, status, accommodation, need, household, consent."""
    client = queries.get_client_for(request.user, client_pk)
    if kind not in RECORD_FORMS:
        raise Http404
    form_class, title = RECORD_FORMS[kind]
    form = form_class(request.POST or None)
    limit_record_form(form, client)
    record = form.instance
    record.client = client
    if isinstance(record, Consent | AsylumDecision):
        record.recorded_by = access.acting_user(request)

    def save() -> object:
        if isinstance(record, AsylumDecision):
            return services.record_decision(request.user, record)
        return services.save_record(request.user, record)

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        return redirect("clients:detail", client_pk=client.pk)
    services.record_access(request.user, client, f"add-{kind}")
    return render(
        request, "clients/record_form.html", {"client": client, "form": form, "title": title}
    )


@access.requires(PERSONAL)
def consent_withdraw(request: HttpRequest, client_pk: int, consent_pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, client_pk)
    consent = queries.get_consent_for(client, consent_pk)
    if request.method == "POST" and consent.withdrawn_on is None:
        services.withdraw_consent(request.user, consent)
        messages.success(request, _("The consent has been withdrawn as of today."))
    return redirect("clients:detail", client_pk=client.pk)


@access.requires(PERSONAL)
def decision_dealt_with(request: HttpRequest, client_pk: int, decision_pk: int) -> HttpResponse:
    """The deadline has been dealt with (action filed, decided against): the warning ends."""
    client = queries.get_client_for(request.user, client_pk)
    decision = access.get_or_404(client.asylum_decisions.select_related("kind"), pk=decision_pk)
    form = DecisionDealtForm(request.POST or None, instance=decision)

    def save() -> object:
        return services.save_record(request.user, form.instance)

    if request.method == "POST" and save_posted(request, form, save, _("Saved.")):
        return redirect("clients:detail", client_pk=client.pk)
    title = _("Deadline dealt with")
    services.record_access(request.user, client, "decision")
    return render(
        request,
        "clients/record_form.html",
        {"client": client, "form": form, "title": title, "decision": decision},
    )


def _post_to_file(
    request: HttpRequest,
    client_pk: int,
    form_key: str,
    make_form: Callable[[Client], BaseForm],
    save: Callable[[Client, BaseForm], object],
    done: str,
) -> HttpResponse:
    """A form posted from the client file: saved, or the file shown again with its errors."""
    client = queries.get_client_for(request.user, client_pk)
    if request.method != "POST":
        return redirect("clients:detail", client_pk=client.pk)
    form = make_form(client)
    if save_posted(request, form, lambda: save(client, form), done):
        return redirect("clients:detail", client_pk=client.pk)
    context = _file_context(request, client, **{form_key: form})
    return render(request, "clients/detail.html", context, status=422)


@access.requires(PERSONAL)
def contact_add(request: HttpRequest, client_pk: int) -> HttpResponse:
    contact = Contact(counsellor=access.acting_user(request))

    def make(client: Client) -> BaseForm:
        contact.client, contact.office = client, client.office
        return ContactForm(request.POST, client=client, instance=contact)

    def save(client: Client, form: BaseForm) -> object:
        data = form.cleaned_data
        return services.log_contact(
            request.user, contact, data["topics"], data.get("household_members", [])
        )

    return _post_to_file(
        request, client_pk, "contact_form", make, save, _("The contact has been recorded.")
    )


@access.requires(PERSONAL)
def note_add(request: HttpRequest, client_pk: int) -> HttpResponse:
    def save(client: Client, form: BaseForm) -> object:
        return services.add_working_note(request.user, client, form.cleaned_data["text"])

    return _post_to_file(
        request,
        client_pk,
        "note_form",
        lambda client: WorkingNoteForm(request.POST),
        save,
        _("Your note has been saved."),
    )


@access.requires(PERSONAL)
def document_upload(request: HttpRequest, client_pk: int) -> HttpResponse:
    def save(client: Client, form: BaseForm) -> object:
        data = form.cleaned_data
        return services.upload_document(request.user, client, data["file"], data["title"])

    return _post_to_file(
        request,
        client_pk,
        "document_form",
        lambda client: DocumentForm(request.POST, request.FILES),
        save,
        _("The document has been uploaded."),
    )


@access.requires(PERSONAL)
def document_download(request: HttpRequest, client_pk: int, document_pk: int) -> FileResponse:
    client = queries.get_client_for(request.user, client_pk)
    document = queries.get_document_for(client, document_pk)
    services.record_download(request.user, document)
    extension = services.ALLOWED_DOCUMENTS.get(document.content_type, "bin")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.title[:80]}.{extension}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _led_client(request: HttpRequest, client_pk: int) -> Client:
    """A client of an office whose team the user leads; 404 for any other."""
    client = queries.get_client_for(request.user, client_pk)
    if not _leads(request, client):
        raise Http404
    return client


# The password is confirmed before the form is shown, so that the form once filled in
# is not lost to the confirmation; the merge itself is refused without it as well.
@access.requires(Capability.MANAGE_TEAM)
@access.recently_confirmed(reach=_led_client)
def client_merge(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A team lead merges a duplicate record into this one."""
    client = _led_client(request, client_pk)
    hits = queries.duplicates(
        request.user,
        given_names=client.given_names,
        family_name=client.family_name,
        birth_year=client.birth_year,
        nationalities=client.nationalities,
        exclude=client.pk,
        limit=10,
    )
    candidates = (
        queries.clients_for(request.user).filter(office=client.office).exclude(pk=client.pk)
    )
    form = MergeForm(
        request.POST or None,
        candidates=candidates,
        initial={"duplicate": hits[0].client.pk if hits else None},
    )

    def merge() -> object:
        data = form.cleaned_data
        return services.merge_clients(request.user, client, data["duplicate"], data["reason"])

    if request.method == "POST" and save_posted(
        request, form, merge, _("The records have been merged.")
    ):
        return redirect("clients:detail", client_pk=client.pk)
    services.record_access(request.user, client, "merge")
    services.record_listing(request.user, [h.client for h in hits], "merge")
    return render(request, "clients/merge.html", {"client": client, "form": form, "hits": hits})


# --- data protection -------------------------------------------------------------------


def _client(request: HttpRequest, client_pk: int) -> Client:
    return queries.get_client_for(request.user, client_pk)


@access.requires(PERSONAL)
@access.recently_confirmed(reach=_client)
def client_export(request: HttpRequest, client_pk: int) -> HttpResponse:
    """Everything held about the client and who accessed the file, to read or print."""
    client = _client(request, client_pk)
    export = services.export_client(request.user, client)
    sections = [
        (model._meta.verbose_name_plural, export["records"][model._meta.label_lower])
        for model in (record.model for record in privacy.records())
    ]
    return render(
        request,
        "clients/export.html",
        {"client": client, "export": export, "sections": [s for s in sections if s[1]]},
    )


@access.requires(PERSONAL)
@access.recently_confirmed(reach=_client)
def client_export_json(request: HttpRequest, client_pk: int) -> HttpResponse:
    """The same as JSON, to hand to the client or another system."""
    client = _client(request, client_pk)
    response = JsonResponse(
        services.export_client(request.user, client), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="auskunft-{client.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@access.requires(Capability.MANAGE_TEAM)
def client_legal_hold(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A team lead keeps the record beyond its retention period, or lifts the hold."""
    client = _led_client(request, client_pk)
    form = LegalHoldForm(request.POST or None, initial={"reason": client.legal_hold})

    def save() -> object:
        return services.set_legal_hold(request.user, client, form.cleaned_data["reason"])

    if request.method == "POST" and save_posted(
        request, form, save, _("The legal hold has been saved.")
    ):
        return redirect("clients:detail", client_pk=client.pk)
    services.record_access(request.user, client, "legal-hold")
    return render(request, "clients/legal_hold.html", {"client": client, "form": form})


@access.requires(Capability.MANAGE_TEAM)
@access.recently_confirmed(reach=_led_client)
def client_erase(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A team lead anonymises the record on request (Art. 17 GDPR): what names the
    person goes, the statistics stay."""
    client = _led_client(request, client_pk)
    form = ErasureForm(request.POST or None)

    def erase() -> object:
        return services.anonymise_client(request.user, client, form.cleaned_data["reason"])

    if request.method == "POST" and save_posted(
        request, form, erase, _("The record has been anonymised.")
    ):
        return redirect("clients:list")
    services.record_access(request.user, client, "erase")
    return render(request, "clients/erase.html", {"client": client, "form": form})


@access.requires(PERSONAL)
def consent_pdf(request: HttpRequest, client_pk: int, consent_pk: int) -> HttpResponse:
    """The consent as a form to sign, in German and the client's language."""
    client = queries.get_client_for(request.user, client_pk)
    consent = queries.get_consent_for(client, consent_pk)
    language = request.GET.get("language") or paper.client_language(client)
    if language not in paper.LANGUAGES:
        raise Http404
    services.record_access(request.user, client, "consent-pdf")
    response = HttpResponse(consent_pdf_module.render(consent, language), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="einwilligung-{consent.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
