from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.core.models import AuditEvent
from safeguard.people.models import Agency, Board, BoardRole, Membership, Sector, Subgroup, Team, User

ADMIN_MODELS = ["board", "agency", "team", "user", "membership", "boardrole", "subgroup"]


def _an_object(model_name: str):
    model = {
        "board": Board,
        "agency": Agency,
        "team": Team,
        "user": User,
        "membership": Membership,
        "boardrole": BoardRole,
        "subgroup": Subgroup,
    }[model_name]
    return model.objects.order_by("pk").first()


@pytest.fixture
def admin_client_(demo, client_as) -> Client:
    return client_as(demo.admin)


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_administrator_opens_the_changelist(admin_client_: Client, model_name: str) -> None:
    response = admin_client_.get(reverse(f"admin:people_{model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_administrator_opens_the_change_page(admin_client_: Client, model_name: str) -> None:
    obj = _an_object(model_name)
    response = admin_client_.get(reverse(f"admin:people_{model_name}_change", args=[obj.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_administrator_opens_the_add_page(admin_client_: Client, model_name: str) -> None:
    response = admin_client_.get(reverse(f"admin:people_{model_name}_add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
def test_non_staff_user_is_sent_to_the_admin_sign_in(demo, client_as, model_name: str) -> None:
    url = reverse(f"admin:people_{model_name}_changelist")
    response = client_as(demo.social_worker).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_user_changelist_searches_by_name(admin_client_: Client, demo) -> None:
    response = admin_client_.get(reverse("admin:people_user_changelist"), {"q": demo.auditor.full_name})
    assert list(response.context["cl"].queryset) == [demo.auditor]


def test_agency_changelist_filters_by_sector(admin_client_: Client) -> None:
    response = admin_client_.get(reverse("admin:people_agency_changelist"), {"sector__exact": Sector.POLICE})
    assert {a.name for a in response.context["cl"].queryset} == {
        "Lancashire Constabulary",
        "Merseyside Police",
    }


def test_agency_changelist_filters_by_board(admin_client_: Client, demo) -> None:
    response = admin_client_.get(
        reverse("admin:people_agency_changelist"), {"boards__id__exact": demo.boards.lancashire.pk}
    )
    assert response.context["cl"].queryset.count() == 6


def test_user_change_page_shows_the_password_hash_read_only(admin_client_: Client, demo) -> None:
    response = admin_client_.get(reverse("admin:people_user_change", args=[demo.auditor.pk]))
    assert 'name="password"' not in response.content.decode()
    assert "Reset password" in response.content.decode()


def test_user_add_page_asks_for_the_password_twice(admin_client_: Client) -> None:
    content = admin_client_.get(reverse("admin:people_user_add")).content.decode()
    assert 'name="password1"' in content and 'name="password2"' in content


def test_administrator_adds_a_user_with_a_hashed_password(admin_client_: Client) -> None:
    response = admin_client_.post(
        reverse("admin:people_user_add"),
        {
            "email": "New.Person@Example.test",
            "full_name": "New Person",
            "job_title": "Health Visitor",
            "password1": "a perfectly long passphrase",
            "password2": "a perfectly long passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.check_password("a perfectly long passphrase")


def test_adding_a_user_with_an_existing_email_in_other_case_is_refused(admin_client_: Client) -> None:
    response = admin_client_.post(
        reverse("admin:people_user_add"),
        {
            "email": "AUDITOR@liverpool.demo",
            "full_name": "Duplicate",
            "password1": "a perfectly long passphrase",
            "password2": "a perfectly long passphrase",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_adding_a_user_with_a_short_password_is_refused(admin_client_: Client) -> None:
    response = admin_client_.post(
        reverse("admin:people_user_add"),
        {"email": "short@example.test", "full_name": "Short", "password1": "short", "password2": "short"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="short@example.test").exists()


def test_an_admin_change_is_audited_with_the_administrator_as_actor(admin_client_: Client, demo) -> None:
    board = demo.boards.liverpool
    response = admin_client_.post(
        reverse("admin:people_board_change", args=[board.pk]),
        {"name": board.name, "short_name": "Liverpool SCP", "area": board.area, "jurisdiction": "ENG"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.actor, event.target_id) == ("admin.board_changed", demo.admin, str(board.pk))
    assert event.changes == {"fields": ["short_name"]}
