"""The menu API for admins: draft, save with optimistic locking, validation problems with their
paths, TwiML preview, walk-through, publish and roll back — then real signed calls follow."""

from __future__ import annotations

import copy

import pytest

from tests.accounts import create_user, issue_token
from tests.twilio_fake import parse_twiml


@pytest.fixture
def admin(app) -> dict[str, str]:
    with app.app_context():
        create_user("root", "admin", password="a-password")
        return {"Authorization": f"Bearer {issue_token('root')}"}


def with_new_option(document: dict, target: str) -> dict:
    document = copy.deepcopy(document)
    main = next(n for n in document["nodes"] if n["id"] == "main")
    main["options"].append({"digit": "6", "target": target})
    return document


HOURS_NODE = {
    "id": "hours_info",
    "kind": "message",
    "prompt": {"zh-CN": "工作时间为工作日八点半至五点半。", "en-US": "We are open 8:30 to 17:30."},
    "next": "main",
}


def test_edit_validate_preview_walk_publish_and_roll_back(client, admin, new_call) -> None:
    draft = client.post("/api/v1/menu/versions", json={"from_version": 1}, headers=admin)
    assert draft.status_code == 201
    number, lock = draft.get_json()["number"], draft.get_json()["lock_version"]
    document = draft.get_json()["document"]

    dangling = with_new_option(document, "hours_info")
    saved = client.put(
        f"/api/v1/menu/versions/{number}",
        json={"document": dangling, "lock_version": lock},
        headers=admin,
    ).get_json()
    assert {
        "path": "nodes.main.options[5].target",
        "message": "unknown node 'hours_info'",
    } in saved["problems"]
    refused = client.post(f"/api/v1/menu/versions/{number}/publish", headers=admin)
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "nodes.main.options[5].target"

    fixed = copy.deepcopy(dangling)
    fixed["nodes"].append(HOURS_NODE)
    saved = client.put(
        f"/api/v1/menu/versions/{number}",
        json={"document": fixed, "lock_version": saved["lock_version"]},
        headers=admin,
    ).get_json()
    assert saved["problems"] == []

    twiml = client.get(
        f"/api/v1/menu/versions/{number}/preview?node=hours_info&lang=en-US", headers=admin
    )
    root = parse_twiml(twiml.data)
    assert root.find("Say").text == "We are open 8:30 to 17:30."
    walked = client.post(
        f"/api/v1/menu/versions/{number}/walk", json={"keys": ["1", "6"]}, headers=admin
    ).get_json()
    assert walked["stops"][-1]["nodes"] == ["hours_info", "main"]
    assert walked["stops"][-1]["says"][0] == "工作时间为工作日八点半至五点半。"

    assert client.post(f"/api/v1/menu/versions/{number}/publish", headers=admin).status_code == 200
    call = new_call()
    call.start()
    call.press("1")
    call.press("6")
    assert call.says()[0] == "工作时间为工作日八点半至五点半。"

    assert client.post("/api/v1/menu/versions/1/publish", headers=admin).status_code == 200
    old = new_call()
    old.start()
    old.press("1")
    old.press("6")
    assert old.says()[0] == "对不起，您的输入无效。"  # 6 means nothing on version 1

    listing = client.get("/api/v1/menu/versions", headers=admin).get_json()["items"]
    assert [(v["number"], v["status"]) for v in listing] == [(number, "archived"), (1, "published")]
    audit = client.get("/api/v1/audit?per_page=10", headers=admin).get_json()["items"]
    assert [a["action"] for a in audit][:5] == [
        "menu.publish",
        "menu.publish",
        "menu.save",
        "menu.save",
        "menu.draft",
    ]


def test_the_second_of_two_saves_from_the_same_copy_is_refused(client, admin) -> None:
    draft = client.post("/api/v1/menu/versions", json={"from_version": 1}, headers=admin).get_json()
    url = f"/api/v1/menu/versions/{draft['number']}"
    first = with_new_option(draft["document"], "main")
    second = copy.deepcopy(draft["document"])
    second["title"] = "someone else's change"
    ok = client.put(
        url, json={"document": first, "lock_version": draft["lock_version"]}, headers=admin
    )
    assert ok.status_code == 200
    clash = client.put(
        url, json={"document": second, "lock_version": draft["lock_version"]}, headers=admin
    )
    assert clash.status_code == 409
    assert "reload it" in clash.get_json()["error"]
    kept = client.get(url, headers=admin).get_json()["document"]
    assert kept == first  # the first save is not lost, the second is not silently applied


def test_published_versions_cannot_be_edited(client, admin) -> None:
    version = client.get("/api/v1/menu/versions/1", headers=admin).get_json()
    response = client.put(
        "/api/v1/menu/versions/1",
        json={"document": version["document"], "lock_version": version["lock_version"]},
        headers=admin,
    )
    assert response.status_code == 400
    assert "make a new draft" in response.get_json()["error"]


def test_uploaded_audio_becomes_a_telephone_prompt(app, client, admin, audio) -> None:
    import io
    import wave

    draft = client.post("/api/v1/menu/versions", json={"from_version": 1}, headers=admin).get_json()
    number = draft["number"]
    mp3 = audio.speech["stereo-44k-mp3"].read_bytes()
    response = client.post(
        f"/api/v1/menu/versions/{number}/prompts",
        data={
            "node": "main",
            "lang": "zh-CN",
            "lock_version": str(draft["lock_version"]),
            "file": (io.BytesIO(mp3), "welcome.mp3"),
        },
        headers=admin,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    play = response.get_json()["play"]
    assert play.startswith("/media/prompts/")
    assert play.endswith(".wav")
    twiml = client.get(f"/api/v1/menu/versions/{number}/preview?node=main", headers=admin).data
    assert parse_twiml(twiml).find("Gather/Play").text == play
    with client.get(play) as served:  # public: Twilio fetches it without credentials
        assert served.status_code == 200
        assert "immutable" in served.headers["Cache-Control"]
        with wave.open(io.BytesIO(served.data)) as audio_file:
            assert (audio_file.getframerate(), audio_file.getnchannels()) == (8000, 1)

    letter = client.post(
        f"/api/v1/menu/versions/{number}/prompts",
        data={
            "node": "main",
            "lang": "zh-CN",
            "lock_version": str(response.get_json()["version"]["lock_version"]),
            "file": (io.BytesIO(b"Dear hotline, this is a letter.\n" * 50), "letter.mp3"),
        },
        headers=admin,
        content_type="multipart/form-data",
    )
    assert letter.status_code == 400
    assert letter.get_json()["field"] == "file"
    assert "is not audio" in letter.get_json()["error"]
    assert client.get("/media/prompts/" + "0" * 40 + ".wav").status_code == 404
