"""The load test (`manage.py load_test`): counsellors of the synthetic data doing their
daily journeys through a real application server. Each signs in once, then, with a
pause of one to three seconds between steps, opens Mein Tag, looks through the client
list, searches for a name, opens a client's file and a plan, and now and then records a
contact. Any answer but the expected one counts as a failure.

Run by locust (which the command starts); LOTSE_LOAD_PASSWORD and LOTSE_LOAD_USERS (the
usernames, separated by commas) come from the command.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

USERS = itertools.cycle(os.environ.get("LOTSE_LOAD_USERS", "").split(","))
PASSWORD = os.environ.get("LOTSE_LOAD_PASSWORD", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLIENT = re.compile(r'href="/clients/(\d+)/"')
CASE = re.compile(r'href="/cases/(\d+)/"')


def first_option(html: str, name: str) -> str:
    select = html[html.index(f'name="{name}"') :]
    return re.search(r'<option value="(\d+)"', select).group(1)  # type: ignore[union-attr]


def first_checkbox(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="(\d+)"', html).group(1)  # type: ignore[union-attr]


class Counsellor(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.username = next(USERS)
        page = self.client.get("/accounts/login/", name="sign-in page")
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),  # type: ignore[union-attr]
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
        )
        if "/accounts/login/" in response.url:
            raise RuntimeError(f"{self.username} could not sign in")
        listing = self.client.get("/clients/", name="client list").text
        self.clients = [int(pk) for pk in CLIENT.findall(listing)]
        self.names = re.findall(r'<a href="/clients/\d+/">([^<,]+),', listing) or ["a"]

    @task(4)
    def my_day(self) -> None:
        self.client.get("/", name="Mein Tag")

    @task(2)
    def client_list(self) -> None:
        self.client.get("/clients/", name="client list")

    @task(3)
    def search(self) -> None:
        name = random.choice(self.names).strip()[:5]
        self.client.get(
            "/clients/", params={"q": name}, headers={"HX-Request": "true"}, name="name search"
        )

    @task(6)
    def client_file(self) -> None:
        if not self.clients:
            return
        pk = random.choice(self.clients)
        page = self.client.get(f"/clients/{pk}/", name="client file").text
        cases = CASE.findall(page)
        if cases:
            self.client.get(f"/cases/{cases[0]}/", name="plan page")
        if random.random() < 0.3:
            self.record_contact(pk, page)

    def record_contact(self, pk: int, page: str) -> None:
        data: dict[str, Any] = {
            "csrfmiddlewaretoken": CSRF.search(page).group(1),  # type: ignore[union-attr]
            "kind": first_option(page, "kind"),
            "channel": first_option(page, "channel"),
            "topics": first_checkbox(page, "topics"),
            "date": re.search(r'name="date"[^>]*value="([^"]+)"', page).group(1),  # type: ignore[union-attr]
            "duration_minutes": "30",
        }
        with self.client.post(
            f"/clients/{pk}/contacts/",
            data,
            headers={"Referer": f"{self.host}/clients/{pk}/"},
            name="record a contact",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 302:
                response.failure(f"contact not recorded: {response.status_code}")
