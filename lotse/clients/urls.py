from django.urls import path

from lotse.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<int:client_pk>/", views.client_detail, name="detail"),
    path("<int:client_pk>/edit/", views.client_edit, name="edit"),
    path("<int:client_pk>/add/<slug:kind>/", views.record_add, name="record_add"),
    path(
        "<int:client_pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<int:client_pk>/consents/<int:consent_pk>/form.pdf",
        views.consent_pdf,
        name="consent_pdf",
    ),
    path(
        "<int:client_pk>/decisions/<int:decision_pk>/dealt-with/",
        views.decision_dealt_with,
        name="decision_dealt_with",
    ),
    path("<int:client_pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:client_pk>/notes/", views.note_add, name="note_add"),
    path("<int:client_pk>/documents/", views.document_upload, name="document_upload"),
    path(
        "<int:client_pk>/documents/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path("<int:client_pk>/merge/", views.client_merge, name="merge"),
    path("<int:client_pk>/export/", views.client_export, name="export"),
    path("<int:client_pk>/export.json", views.client_export_json, name="export_json"),
    path("<int:client_pk>/legal-hold/", views.client_legal_hold, name="legal_hold"),
    path("<int:client_pk>/erase/", views.client_erase, name="erase"),
]
