"""An entity's name and aliases are names a reader can look up: text, not only white space."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import WRITER, log_head, ok, problem

BLANK = [" ", "   ", "\t", "\n", " \u00a0\u2003 "]


def zedland(**changes: Any) -> dict[str, Any]:
    return {"code": "ZZA", "name": "Zedland", "kind": "state", "aliases": ["Zed"], **changes}


@pytest.mark.parametrize("blank", BLANK, ids=["space", "spaces", "tab", "newline", "unicode-spaces"])
def test_a_blank_alias_is_refused_naming_it_and_nothing_is_registered(refusing: TestClient, blank: str) -> None:
    before = log_head(refusing)

    response = refusing.post("/v1/entities", json=zedland(aliases=["Zed", blank]), headers=WRITER)

    assert ["body", "aliases", 1] in [error["loc"] for error in problem(response, 422)["errors"]]
    assert log_head(refusing) == before
    problem(refusing.get("/v1/entities/ZZA"), 422)


def test_a_blank_name_is_refused(refusing: TestClient) -> None:
    response = refusing.post("/v1/entities", json=zedland(name="  "), headers=WRITER)

    assert ["body", "name"] in [error["loc"] for error in problem(response, 422)["errors"]]


def test_names_with_spaces_inside_are_still_taken(writable: TestClient) -> None:
    stored = ok(writable.post("/v1/entities", json=zedland(aliases=["Zed Land", "Z"]), headers=WRITER), 201)

    assert stored["aliases"] == ["Zed Land", "Z"]
    assert ok(writable.get("/v1/entities/zed land"))["code"] == "ZZA"


def test_white_space_around_a_name_is_let_go_so_that_the_name_can_be_looked_up(writable: TestClient) -> None:
    sent = zedland(name=" Zedland\t", aliases=[" Zed", "Zed Land \n"])
    stored = ok(writable.post("/v1/entities", json=sent, headers=WRITER), 201)

    assert (stored["name"], stored["aliases"]) == ("Zedland", ["Zed", "Zed Land"])
    assert ok(writable.get("/v1/entities/Zed"))["code"] == "ZZA"
    assert ok(writable.get("/v1/entities", params={"q": "zed land"}))[0]["code"] == "ZZA"
