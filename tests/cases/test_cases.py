import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lotse.cases import queries, services
from lotse.cases.models import Case, Goal, Phase, Step, add_months
from lotse.clients import services as clients
from lotse.clients.models import AccommodationPeriod, ResidenceStatus
from lotse.core.models import AuditEvent, Term
from lotse.organisations.models import Programme

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def term(vocabulary, code):
    return Term.objects.get(vocabulary=vocabulary, code=code)


def in_follow_up_housing(world):
    client = world.client_a
    clients.save_record(
        world.counsellor_a,
        AccommodationPeriod(
            client=client,
            kind=term("accommodation", "anschlussunterbringung"),
            valid_from=dt.date(2024, 1, 1),
        ),
    )
    return client


def open_case(world, **kwargs):
    client = in_follow_up_housing(world)
    return services.open_case(
        world.counsellor_a, client, world.bw_im, counsellor=world.counsellor_a, **kwargs
    )


def add_goal(world, case, what="Deutschkurs B1 abschließen"):
    goal = Goal(
        field_of_action=term("field_of_action", "sprache"),
        what=what,
        indicator="Zertifikat B1 liegt vor",
        due_on=TODAY + dt.timedelta(days=180),
    )
    services.save_goal(world.counsellor_a, case, case.version, goal)
    return goal


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 21), -3) == dt.date(2026, 8, 21)


def test_open_case_checks_the_programme_and_sets_the_time_limit(world):
    case = open_case(world, opened_on=dt.date(2026, 1, 15))
    assert case.eligibility == "eligible"
    assert case.eligibility_checks[0]["met"] is True
    assert case.limit_until == dt.date(2029, 1, 15)  # bw-im: 36 months
    assert case.phase == Phase.INTAKE and hasattr(case, "assessment")
    event = AuditEvent.objects.get(action="cases.case.created", object_id=str(case.pk))
    assert event.office_id == world.office_a.pk and event.object_label == f"case {case.pk}"


def test_not_eligible_needs_a_justification_which_is_recorded(world):
    with pytest.raises(ValidationError) as excinfo:
        services.open_case(
            world.counsellor_a, world.client_a, world.bw_im, counsellor=world.counsellor_a
        )
    assert "override_justification" in excinfo.value.message_dict
    assert not Case.objects.filter(client=world.client_a).exists()
    case = services.open_case(
        world.counsellor_a,
        world.client_a,
        world.bw_im,
        counsellor=world.counsellor_a,
        justification="Wohnt bei Verwandten, Wechsel in die Anschlussunterbringung steht bevor.",
    )
    assert case.eligibility == "unknown" and "Verwandten" in case.override_justification


def test_sh_msb_refuses_case_management_for_asylum_seekers_without_justification(world):
    from lotse.organisations import services as org
    from lotse.organisations.models import District, Provider

    sh = org.create_district(
        None, world.sh, key="01062", name="Kreis Stormarn", kind=District.Kind.RURAL
    )
    ahrensburg = org.create_municipality(None, sh, ags="01062001", name="Ahrensburg")
    provider = org.create_provider(None, name="Diakonie Stormarn", kind=Provider.Kind.WELFARE)
    sh_msb = Programme.objects.get(key="sh-msb")
    office = org.create_office(
        None,
        provider,
        name="MSB Ahrensburg",
        district=sh,
        municipalities=[ahrensburg],
        programmes=[sh_msb],
    )
    from lotse.clients.models import Client

    client = clients.save_client(
        None,
        Client(
            office=office,
            given_names="A",
            family_name="B",
            birth_year=1990,
            entry_date=TODAY - dt.timedelta(days=200),
        ),
    )
    clients.save_record(
        None,
        ResidenceStatus(
            client=client,
            status=term("residence_status", "gestattung"),
            valid_from=TODAY - dt.timedelta(days=100),
        ),
    )
    result = services.check_eligibility(client, sh_msb)
    assert result.outcome == "not_eligible"
    assert "Krisenberatung" in next(c.text for c in result.checks if c.met is False)


def test_a_programme_open_to_everyone_opens_a_case_without_checks(world):
    """rlp-mfd counsels every migrant: no criteria, so nothing to check and nothing to
    justify."""
    rlp_mfd = Programme.objects.get(key="rlp-mfd")
    assert rlp_mfd.eligibility_criteria == {}
    world.office_a.programmes.add(rlp_mfd)
    case = services.open_case(
        world.counsellor_a, world.client_a, rlp_mfd, counsellor=world.counsellor_a
    )
    assert (case.eligibility, case.eligibility_checks, case.limit_until) == ("eligible", [], None)


def test_a_programme_the_office_does_not_work_under_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        services.open_case(
            world.counsellor_a,
            world.client_a,
            Programme.objects.get(key="mbe"),
            counsellor=world.counsellor_a,
            justification="x",
        )
    assert "programme" in excinfo.value.message_dict


def test_one_open_case_per_programme(world):
    open_case(world)
    with pytest.raises(ValidationError):
        services.open_case(
            world.counsellor_a, world.client_a, world.bw_im, counsellor=world.counsellor_a
        )


def test_extension_needs_a_justification_in_bw_im(world):
    case = open_case(world, opened_on=dt.date(2026, 1, 15))
    with pytest.raises(ValidationError):
        services.extend_time_limit(world.counsellor_a, case, "")
    services.extend_time_limit(world.counsellor_a, case, "Ausbildung endet im Sommer 2029.")
    assert case.limit_until == dt.date(2030, 1, 15)
    assert AuditEvent.objects.filter(action="cases.case.extended").exists()


def test_time_limit_warning_starts_three_months_before(world):
    case = open_case(world, opened_on=dt.date(2024, 1, 15))
    assert not case.limit_warning(dt.date(2026, 10, 14))
    assert case.limit_warning(dt.date(2026, 10, 15))
    assert queries.near_time_limit(world.counsellor_a, dt.date(2026, 11, 1)) == [case]
    assert queries.near_time_limit(world.counsellor_b, dt.date(2026, 11, 1)) == []


def test_every_plan_change_creates_a_revision_and_revisions_compare(world):
    case = open_case(world)
    goal = add_goal(world, case)
    step = Step(
        goal=goal,
        actor=Step.Actor.CLIENT,
        what="Anmeldung beim Kursträger",
        due_on=TODAY + dt.timedelta(days=14),
    )
    services.save_step(world.counsellor_a, case, case.version, step)
    step.status = Step.Status.DONE
    services.save_step(world.counsellor_a, case, case.version, step)
    revisions = list(case.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    changes = services.compare(revisions[1].snapshot, revisions[2].snapshot)
    assert any(line.startswith("-") and "open" in line for line in changes)
    assert any(line.startswith("+") and "done" in line for line in changes)
    assert (
        AuditEvent.objects.filter(action="cases.plan.changed", object_id=str(case.pk)).count() == 3
    )


def test_a_step_with_another_service_names_it(world):
    case = open_case(world)
    goal = add_goal(world, case)
    with pytest.raises(ValidationError):
        services.save_step(
            world.counsellor_a,
            case,
            case.version,
            Step(goal=goal, actor="service", what="Beratung", due_on=TODAY),
        )


def test_a_stale_plan_save_is_refused_with_what_changed(world):
    case = open_case(world)
    add_goal(world, case, "Arbeit finden")
    seen = case.version
    other = Case.objects.get(pk=case.pk)  # a second counsellor's view of the case
    add_goal(world, other, "Wohnung finden")
    with pytest.raises(services.PlanConflict) as excinfo:
        services.save_goal(
            world.counsellor_a,
            case,
            seen,
            Goal(
                field_of_action=term("field_of_action", "arbeit"),
                what="Praktikum",
                indicator="Vertrag",
                due_on=TODAY,
            ),
        )
    assert any("Wohnung finden" in line for line in excinfo.value.changes)
    assert not Goal.objects.filter(what="Praktikum").exists()


def test_agreement_and_refusal(world):
    case = open_case(world)
    with pytest.raises(ValidationError):
        services.record_agreement(world.counsellor_a, case, on=TODAY, how="written")
    add_goal(world, case)
    agreement = services.record_agreement(
        world.counsellor_a, case, on=TODAY, how="written", copy_handed_over=True
    )
    assert agreement.revision.number == 1
    refusal = services.record_agreement(world.counsellor_a, case, on=TODAY, how="refused")
    assert refusal.how == "refused" and Case.objects.get(pk=case.pk).phase == case.phase


def test_reviews_fall_due_at_the_programme_interval(world):
    case = open_case(world, opened_on=dt.date(2026, 1, 10))
    goal = add_goal(world, case)
    assert [d.case for d in queries.reviews_due(world.counsellor_a, dt.date(2026, 7, 10))] == [case]
    assert queries.reviews_due(world.counsellor_a, dt.date(2026, 7, 9)) == []
    services.record_review(
        world.counsellor_a, case, goal, on=dt.date(2026, 7, 1), counsellor_score=1, client_score=0
    )
    assert queries.reviews_due(world.counsellor_a, dt.date(2026, 12, 31)) == []
    assert [d.due_on for d in queries.reviews_due(world.counsellor_a, dt.date(2027, 1, 1))] == [
        dt.date(2027, 1, 1)
    ]
    assert queries.reviews_due(world.counsellor_b, dt.date(2027, 1, 1)) == []


def test_a_review_due_at_a_short_months_end_is_listed(world):
    # Six months after 31 August is 28 February: the day is cut back to the month's end.
    Programme.objects.update(review_interval_months=6)
    case = open_case(world, opened_on=dt.date(2026, 8, 31))
    assert queries.reviews_due(world.counsellor_a, dt.date(2027, 2, 27)) == []
    due = queries.reviews_due(world.counsellor_a, dt.date(2027, 2, 28))
    assert [(d.case, d.due_on) for d in due] == [(case, dt.date(2027, 2, 28))]


def test_closure_needs_a_programme_reason_a_final_review_and_a_summary(world):
    case = open_case(world)
    goal = add_goal(world, case)
    reason = term("closure_reason", "goals_reached")
    with pytest.raises(ValidationError) as excinfo:
        services.close_case(world.counsellor_a, case, reason=reason, summary="")
    assert {"goals", "closure_summary"} <= set(excinfo.value.message_dict)
    services.record_review(
        world.counsellor_a, case, goal, on=TODAY, counsellor_score=0, at_closure=True
    )
    services.close_case(
        world.counsellor_a, case, reason=reason, summary="B1 erreicht, nutzt Regeldienste."
    )
    assert case.phase == Phase.CLOSED and case.closed_on == TODAY
    with pytest.raises(ValidationError):
        services.save_goal(
            world.counsellor_a,
            case,
            case.version,
            Goal(field_of_action=goal.field_of_action, what="x", indicator="y", due_on=TODAY),
        )
    services.reopen_case(world.counsellor_a, case, "Neuer Bedarf: Wohnungssuche")
    assert case.phase == Phase.IMPLEMENTATION and case.closed_on is None
    reopened = AuditEvent.objects.get(action="cases.case.reopened")
    assert reopened.data["why"] == "Neuer Bedarf: Wohnungssuche"


@pytest.mark.parametrize("days", [1, None])
def test_a_case_closes_between_its_opening_and_today(world, days):
    case = open_case(world)
    goal = add_goal(world, case)
    services.record_review(
        world.counsellor_a, case, goal, on=TODAY, counsellor_score=0, at_closure=True
    )
    day = TODAY + dt.timedelta(days=days) if days else case.opened_on - dt.timedelta(days=1)
    reason = term("closure_reason", "goals_reached")
    with pytest.raises(ValidationError) as excinfo:
        services.close_case(world.counsellor_a, case, reason=reason, summary="x", on=day)
    assert "closed_on" in excinfo.value.message_dict
    assert Case.objects.get(pk=case.pk).phase != Phase.CLOSED


def test_a_reason_outside_the_programme_is_refused(world):
    case = open_case(world)
    rlp = Programme.objects.get(key="rlp-mfd")
    assert not rlp.closure_reasons.filter(code="time_limit").exists()
    case.programme = rlp  # as if the programme had no such reason
    with pytest.raises(ValidationError) as excinfo:
        services.close_case(
            world.counsellor_a, case, reason=term("closure_reason", "time_limit"), summary="x"
        )
    assert "closure_reason" in excinfo.value.message_dict


def test_cases_stay_in_the_office(world):
    case = open_case(world)
    assert set(queries.cases_for(world.team_lead_a)) == {case, world.case_a}
    assert not queries.cases_for(world.counsellor_b).exists()
    assert not queries.cases_for(world.district_a).exists()
    # A case is opened at its client's office; one whose office differed from its
    # client's would be hidden from both offices, not shown to both.
    assert case.office_id == world.client_a.office_id
    Case.objects.filter(pk=case.pk).update(office=world.office_b)
    assert case not in queries.cases_for(world.team_lead_a)
    assert case not in queries.cases_for(world.counsellor_b)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_plan_saves_one_wins_one_sees_the_change(world):
    """Two counsellors save the same plan at the same moment, in parallel transactions."""
    case = open_case(world)
    add_goal(world, case, "Arbeit finden")
    seen = Case.objects.get(pk=case.pk).version
    barrier = threading.Barrier(2)
    outcomes = []

    def save(what):
        from django.db import connections

        try:
            mine = Case.objects.get(pk=case.pk)
            barrier.wait(timeout=10)
            services.save_goal(
                world.counsellor_a,
                mine,
                seen,
                Goal(
                    field_of_action=term("field_of_action", "wohnen"),
                    what=what,
                    indicator="Mietvertrag",
                    due_on=TODAY,
                ),
            )
            outcomes.append(("saved", what))
        except services.PlanConflict as conflict:
            outcomes.append(("conflict", conflict.changes))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(w,)) for w in ("Wohnung A", "Wohnung B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "saved"], outcomes
    winner = next(what for kind, what in outcomes if kind == "saved")
    changes = next(detail for kind, detail in outcomes if kind == "conflict")
    assert any(winner in line for line in changes)
    assert Goal.objects.filter(what__startswith="Wohnung").count() == 1
    assert Case.objects.get(pk=case.pk).version == seen + 1
