"""A draft ticket made from a stored voicemail, as the pipeline leaves it, for the page tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from hotline.core.db import db
from tickets.models import Ticket
from voicemail.models import Transcript, Voicemail


def make_voicemail_draft(app, recording: Path) -> int:
    """A voicemail stored as `recordings/RE1.wav`, its transcript (the second word unsure) and
    its draft: a repeat caller, priority 1, category suggested from 淘宝."""
    storage = app.config["HOTLINE_SETTINGS"].storage_root
    (storage / "recordings").mkdir(parents=True, exist_ok=True)
    shutil.copy(recording, storage / "recordings" / "RE1.wav")
    with app.app_context():
        vm = Voicemail(
            recording_sid="RE" + "1" * 32,
            call_sid="CA" + "1" * 32,
            from_number="+8613800138000",
            language="zh-CN",
            state="drafted",
            audio_path="recordings/RE1.wav",
        )
        db.session.add(vm)
        db.session.flush()
        db.session.add(
            Transcript(
                voicemail_id=vm.id,
                language="zh-CN",
                model_name="test",
                text="我 在 淘宝 买 手机",
                words=[
                    {"word": "我", "start": 0.0, "end": 0.2, "conf": 0.95},
                    {"word": "在", "start": 0.2, "end": 0.4, "conf": 0.31},
                    {"word": "淘宝", "start": 0.4, "end": 0.9, "conf": 0.9},
                ],
            )
        )
        ticket = Ticket(
            state="draft",
            source="voicemail",
            type="complaint",
            category="online_shopping",
            caller_number="+8613800138000",
            description="我在淘宝买手机",
            voicemail_id=vm.id,
            repeat_caller=True,
            priority=1,
            suggestions={
                "category": {"value": "online_shopping", "label": "网上购物", "why": ["淘宝"]}
            },
        )
        db.session.add(ticket)
        db.session.commit()
        return ticket.id
