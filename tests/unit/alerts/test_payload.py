import json
from datetime import UTC, datetime
from uuid import uuid4

from domain.alerts import AlertNotice, AlertType, NoticeKind
from domain.alerts.payload import from_payload, to_payload
from domain.models import Chain


def test_a_notice_survives_the_outbox_json() -> None:
    notice = AlertNotice(
        alert_id=uuid4(),
        user_id=uuid4(),
        type=AlertType.VRS_DROP,
        kind=NoticeKind.FIRED,
        chain=Chain.ATOM,
        validator="cosmosvaloper1abc",
        validator_name="Val",
        condition="vrs_drop",
        message="score fell 12 points to 61",
        occurred_at=datetime(2026, 12, 1, 14, tzinfo=UTC),
        before={"total": 73},
        after={"total": 61},
        factors={"commission": ["0.05", "0.08"]},
    )
    stored = json.loads(json.dumps(to_payload(notice)))
    assert stored["validatorId"] == "atom:cosmosvaloper1abc"
    assert from_payload(stored) == notice
