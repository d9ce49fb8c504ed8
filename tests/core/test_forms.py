"""The shared model form: choice fields read their options once per form."""

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lotse.counselling.forms import ContactForm


def test_a_form_reads_each_choice_fields_options_once(world):
    form = ContactForm(client=world.client_a)
    with CaptureQueriesContext(connection) as first:
        html = str(form)
    with CaptureQueriesContext(connection) as again:
        assert str(form) == html
    # Kind, channel, interpreting and topics: one query each, asked once although every
    # select is passed over more than once while it renders. (The household members come
    # with the client record.)
    asked = Counter(q["sql"] for q in first.captured_queries)
    assert len(asked) == 4 and max(asked.values()) == 1
    assert again.captured_queries == []
    assert "DECLARE" not in " ".join(asked)
