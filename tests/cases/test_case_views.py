import datetime as dt

import pytest
from django.utils import timezone

from lotse.cases.models import Case, Goal, Phase
from lotse.core.models import Term

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def term(vocabulary, code):
    return Term.objects.get(vocabulary=vocabulary, code=code)


def test_opening_shows_the_check_and_asks_for_a_justification(world, client_for):
    browser = client_for(world.counsellor_a)
    url = f"/cases/open/{world.client_a.pk}/"
    page = browser.get(url, {"programme": world.bw_im.pk})
    assert page.status_code == 200
    assert page.context["check"].outcome == "unknown"
    assert "Anschlussunterbringung" in page.content.decode()
    # Checking posts the form (no CSRF token in the address) and opens nothing, even
    # where everything needed to open is filled in.
    complete = {
        "programme": world.bw_im.pk,
        "counsellor": world.counsellor_a.pk,
        "override_justification": "Umzug steht bevor",
    }
    checked = browser.post(url, {**complete, "check": "1"})
    assert checked.status_code == 200 and checked.context["check"].outcome == "unknown"
    assert not Case.objects.filter(client=world.client_a).exists()
    assert 'name="check"' in checked.content.decode()
    assert 'formmethod="get"' not in checked.content.decode()
    response = browser.post(url, {"programme": world.bw_im.pk, "counsellor": world.counsellor_a.pk})
    assert "override_justification" in response.context["form"].errors
    response = browser.post(
        url,
        {
            "programme": world.bw_im.pk,
            "counsellor": world.counsellor_a.pk,
            "override_justification": "Umzug steht bevor",
        },
    )
    case = Case.objects.get(client=world.client_a)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"


def test_plan_goal_step_and_a_stale_save(world, client_for):
    browser = client_for(world.counsellor_a)
    case = world.case_a
    url = f"/cases/{case.pk}/goals/"
    goal = {
        "goal-version": case.version,
        "goal-field_of_action": term("field_of_action", "wohnen").pk,
        "goal-what": "Eigene Wohnung",
        "goal-indicator": "Mietvertrag",
        "goal-due_on": "2027-03-01",
        "goal-priority": "1",
    }
    assert browser.post(url, goal).status_code == 302
    stale = browser.post(url, {**goal, "goal-what": "Zweite Wohnung"})
    assert stale.status_code == 409
    assert any("Eigene Wohnung" in line for line in stale.context["conflict"].changes)
    assert not Goal.objects.filter(what="Zweite Wohnung").exists()
    new_goal = Goal.objects.get(what="Eigene Wohnung")
    case.refresh_from_db()
    response = browser.post(
        f"/cases/{case.pk}/steps/",
        {
            "step-version": case.version,
            "step-goal": new_goal.pk,
            "step-actor": "service",
            "step-what": "Wohnberatung",
            "step-due_on": "2026-12-15",
        },
    )
    assert response.status_code == 422 and "service_name" in response.context["step_form"].errors
    page = browser.get(f"/cases/{case.pk}/revisions/", {"a": 2, "b": 3})
    assert any("Eigene Wohnung" in line for line in page.context["changes"])


def test_review_agreement_close_and_reopen_through_the_page(world, client_for):
    browser = client_for(world.counsellor_a)
    case = world.case_a
    base = f"/cases/{case.pk}"
    assert (
        browser.post(
            f"{base}/agreement/",
            {
                "agreement-on": TODAY.isoformat(),
                "agreement-how": "written",
                "agreement-copy_handed_over": "on",
            },
        ).status_code
        == 302
    )
    response = browser.post(
        f"{base}/close/",
        {
            "close-closure_reason": term("closure_reason", "goals_reached").pk,
            "close-closure_summary": "Fertig",
        },
    )
    assert response.status_code == 422 and response.context["close_form"].non_field_errors()
    assert (
        browser.post(
            f"{base}/reviews/",
            {
                "review-goal": world.goal_a.pk,
                "review-on": TODAY.isoformat(),
                "review-counsellor_score": "0",
                "review-client_score": "1",
                "review-at_closure": "on",
            },
        ).status_code
        == 302
    )
    assert (
        browser.post(
            f"{base}/close/",
            {
                "close-closure_reason": term("closure_reason", "goals_reached").pk,
                "close-closure_summary": "Fertig",
            },
        ).status_code
        == 302
    )
    assert Case.objects.get(pk=case.pk).phase == Phase.CLOSED
    assert browser.post(f"{base}/reopen/", {"reopen-why": "Neuer Bedarf"}).status_code == 302
    assert Case.objects.get(pk=case.pk).phase == Phase.IMPLEMENTATION


def test_a_future_review_date_is_refused_and_kept(world, client_for):
    response = client_for(world.counsellor_a).post(
        f"/cases/{world.case_a.pk}/reviews/",
        {
            "review-goal": world.goal_a.pk,
            "review-on": (TODAY + dt.timedelta(days=2)).isoformat(),
            "review-counsellor_score": "2",
            "review-comment": "Gut",
        },
    )
    assert response.status_code == 422
    assert "on" in response.context["review_form"].errors
    assert "Gut</textarea>" in response.content.decode()


def test_reviews_due_and_time_limits_are_listed(world, client_for):
    from lotse.cases import services

    case = world.case_a
    Case.objects.filter(pk=case.pk).update(
        opened_on=TODAY - dt.timedelta(days=400), limit_until=TODAY + dt.timedelta(days=30)
    )
    # On the responsible counsellor's Mein Tag, not on anybody else's.
    day = client_for(world.counsellor_a).get("/").context["day"]
    assert [d.case for d in day.reviews_due] == [case]
    assert day.time_limits == [case]
    services.record_review(world.counsellor_a, case, world.goal_a, on=TODAY, counsellor_score=0)
    assert client_for(world.counsellor_a).get("/").context["day"].reviews_due == []
    assert client_for(world.counsellor_b).get("/").context["day"].time_limits == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_counsellors_save_the_plan_at_the_same_moment(world, client_for):
    """Two real requests in parallel, each in its own thread and database connection."""
    import threading

    from django.db import connections

    case = world.case_a
    seen = Case.objects.get(pk=case.pk).version
    browsers = [client_for(world.counsellor_a), client_for(world.team_lead_a)]
    barrier = threading.Barrier(2)
    results = {}

    def save(index, what):
        try:
            barrier.wait(timeout=10)
            response = browsers[index].post(
                f"/cases/{case.pk}/goals/",
                {
                    "goal-version": seen,
                    "goal-field_of_action": term("field_of_action", "arbeit").pk,
                    "goal-what": what,
                    "goal-indicator": "Vertrag",
                    "goal-due_on": "2027-01-31",
                    "goal-priority": "2",
                },
            )
            results[what] = (
                response.status_code,
                response.context["conflict"] if response.status_code == 409 else None,
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(i, w)) for i, w in enumerate(["Praktikum", "Minijob"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(code for code, _ in results.values()) == [302, 409], results
    winner = next(what for what, (code, _) in results.items() if code == 302)
    conflict = next(c for code, c in results.values() if code == 409)
    assert any(winner in line for line in conflict.changes)
    assert Goal.objects.filter(what__in=["Praktikum", "Minijob"]).count() == 1


def test_opening_with_a_programme_that_is_not_a_number_shows_the_form(world, client_for):
    url = f"/cases/open/{world.client_a.pk}/"
    for sent in (" ", "{{ 7*7 }}", "9" * 30):
        response = client_for(world.counsellor_a).post(url, {"programme": sent, "check": "1"})
        assert response.status_code == 200 and response.context["check"] is None
