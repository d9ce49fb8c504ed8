"""The fields a column can be imported into, and the guess from the column's name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lotse.imports.models import ImportRun


@dataclass(frozen=True)
class Field:
    name: str
    label: str | Promise
    required: bool
    # Column names (normalised: lower case, umlauts spelt out, letters and digits only)
    # that mean this field, in German and English.
    names: tuple[str, ...]


CLIENT_FIELDS = (
    Field("given_names", _("given names"), True, ("vorname", "vornamen", "firstname",
          "givenname", "givennames", "forename")),
    Field("family_name", _("family name"), True, ("nachname", "familienname", "name",
          "surname", "lastname", "familyname", "zuname")),
    Field("birth_date", _("date of birth (or only the year)"), False, ("geburtsdatum",
          "geboren", "geb", "gebdatum", "geburtstag", "geburtsjahr", "dateofbirth",
          "birthdate", "dob", "born", "yearofbirth", "birthyear")),
    Field("sex", _("sex"), False, ("geschlecht", "sex", "gender")),
    Field("nationalities", _("nationalities"), False, ("staatsangehoerigkeit",
          "staatsangehoerigkeiten", "nationalitaet", "staatsbuergerschaft", "nationality",
          "nationalities", "citizenship")),
    Field("entry_date", _("date of entry to Germany"), False, ("einreise", "einreisedatum",
          "datumdereinreise", "eingereist", "entry", "entrydate", "dateofentry")),
    Field("phone", _("phone"), False, ("telefon", "tel", "telefonnummer", "handy", "mobil",
          "mobilnummer", "phone", "phonenumber", "mobile", "telephone")),
    Field("email", _("email"), False, ("email", "mail", "emailadresse", "emailaddress")),
    Field("address", _("address"), False, ("adresse", "anschrift", "wohnadresse",
          "address")),
    Field("bamf_file_number", _("BAMF file number"), False, ("aktenzeichen", "bamf",
          "bamfaktenzeichen", "az", "bamfaz", "bamffilenumber", "filenumber",
          "bamfnumber")),
)  # fmt: skip
CONTACT_FIELDS = (
    Field("client", _("client (Lotse number or BAMF file number)"), True, ("klient",
          "klientin", "klientnummer", "klientennummer", "klientnr", "ratsuchende",
          "aktenzeichen", "bamf", "az", "client", "clientnumber", "clientid", "client_id",
          "lotsenummer")),
    Field("date", _("date"), True, ("datum", "beratungsdatum", "kontaktdatum", "date",
          "contactdate")),
    Field("kind", _("kind of contact"), True, ("art", "beratungsart", "kontaktart",
          "kind", "type", "contactkind")),
    Field("duration", _("duration (minutes)"), True, ("dauer", "dauerminuten",
          "minuten", "min", "duration", "minutes", "durationminutes")),
    Field("topics", _("topics"), True, ("themen", "thema", "beratungsthemen", "topics",
          "topic")),
    Field("channel", _("channel"), False, ("kanal", "weg", "kontaktweg", "channel")),
    Field("note", _("short note"), False, ("notiz", "bemerkung", "bemerkungen",
          "anmerkung", "kurznotiz", "note", "notes", "comment")),
)  # fmt: skip
FIELDS = {ImportRun.Kind.CLIENTS: CLIENT_FIELDS, ImportRun.Kind.CONTACTS: CONTACT_FIELDS}


def normalise(name: str) -> str:
    text = name.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


def guess(kind: str, header: list[str]) -> dict[str, str]:
    """Column position (as text) → field, from the column names; each field once.

    An exact name wins; otherwise a name that begins with one of the field's names
    ("Geburtsdatum (TT.MM.JJJJ)"), the longest such name first.
    """
    fields = FIELDS[ImportRun.Kind(kind)]
    names = [normalise(h) for h in header]
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for exact in (True, False):
        for position, name in enumerate(names):
            if str(position) in mapping or not name:
                continue
            best: tuple[int, str] | None = None
            for field in fields:
                if field.name in taken:
                    continue
                for known in field.names:
                    fits = name == known if exact else len(known) > 3 and name.startswith(known)
                    if fits and (best is None or len(known) > best[0]):
                        best = (len(known), field.name)
            if best is not None:
                mapping[str(position)] = best[1]
                taken.add(best[1])
    return mapping
