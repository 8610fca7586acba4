from django.test import Client


def test_my_work_asks_an_anonymous_visitor_to_sign_in(client: Client, db) -> None:
    response = client.get("/my-work/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_my_work_shows_the_signed_in_user_an_empty_inbox(signed_in: Client) -> None:
    response = signed_in.get("/my-work/")
    assert response.status_code == 200
    assert "Nothing is due from you" in response.content.decode()
