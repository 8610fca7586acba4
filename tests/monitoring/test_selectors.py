from datetime import date

from safeguard.monitoring import selectors, services
from safeguard.monitoring.models import UpdateRequest


def test_my_requests_lists_a_request_on_an_action_i_lead_though_it_was_sent_to_someone_else(
    demo, cig_schedule
):
    cycle, _ = services.open_cycle(schedule=cig_schedule.schedule, opens_on=date(2026, 11, 2))
    UpdateRequest.objects.filter(cycle=cycle).update(owner=demo.police_lead)
    assert list(selectors.my_requests(demo.ops_supervisor)) == list(cycle.requests.all())


def test_my_requests_leaves_out_requests_i_may_not_answer(demo, cig_schedule):
    services.open_cycle(schedule=cig_schedule.schedule, opens_on=date(2026, 11, 2))
    assert not selectors.my_requests(demo.csc_lead).exists()
