"""The asset addon's EAM document helpers (database-free)."""

from datetime import date, datetime

import pytest
from addon_lib import addon_lib

eam = addon_lib("asset", "eam")

WORK_ORDER = {
    "work_order_id": "WO-1001",
    "asset_id": "EAM-000001",
    "type": "CM",
    "status": "closed",
    "title": "Occlusion alarm",
    "closed_at": "2026-03-04T16:00:00+01:00",
    "scheduled_at": "2026-03-03T08:30:00Z",
    "duration_hours": 2.5,
    "labour_cost": 180,
    "parts_cost": 95.5,
    "technician_notes": "Replaced the pressure sensor.",
}


def test_patient_keys_are_dropped_anywhere():
    document = {
        "work_order_id": "WO-1",
        "patient": {"name": "Jane Doe"},
        "events": [{"at": "x", "MRN": "123", "subject": "Patient/9"}],
        "nested": {"patient_id": "P-1", "kept": True},
    }
    screened, removed = eam.screen_patient_data(document)
    assert screened == {
        "work_order_id": "WO-1",
        "events": [{"at": "x"}],
        "nested": {"kept": True},
    }
    assert removed == [
        "$.events[0].MRN",
        "$.events[0].subject",
        "$.nested.patient_id",
        "$.patient",
    ]
    assert document["patient"] == {"name": "Jane Doe"}, "the input is not changed"


def test_a_document_without_patient_data_is_left_alone():
    screened, removed = eam.screen_patient_data({"a": [1, {"b": 2}]})
    assert (screened, removed) == ({"a": [1, {"b": 2}]}, [])


def test_work_order_is_normalized():
    values = eam.work_order(WORK_ORDER)
    assert values["reference"] == "WO-1001"
    assert values["maintenance_type"] == "corrective"
    assert values["closed_on"] == date(2026, 3, 4)
    assert values["scheduled_at"] == datetime(2026, 3, 3, 8, 30)
    assert (values["labour_cost"], values["parts_cost"]) == (180.0, 95.5)
    assert values["duration"] == 2.5


def test_work_order_times_are_kept_in_utc():
    values = eam.work_order({**WORK_ORDER, "updated_at": "2026-03-04T01:30:00+02:00"})
    assert values["updated_at"] == datetime(2026, 3, 3, 23, 30)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"work_order_id": ""}, "work_order_id is missing"),
        ({"type": "calibration-ish"}, "unknown work order type"),
        ({"status": "done"}, "unknown work order status"),
        ({"closed_at": None}, "a closed work order needs closed_at"),
        ({"closed_at": "04/03/2026"}, "is not an ISO date"),
        ({"labour_cost": -5}, "labour_cost: -5 is negative"),
        ({"parts_cost": "12"}, "parts_cost: expected a number"),
        ({"duration_hours": True}, "duration_hours: expected a number"),
        ({"technician_notes": "x" * 4001}, "longer than 4000"),
    ],
)
def test_work_order_errors_name_the_field(change, message):
    with pytest.raises(eam.EamDocumentError, match=message):
        eam.work_order({**WORK_ORDER, **change})


def test_equipment_keys():
    assert eam.equipment_keys({"asset_id": " EAM-1 ", "serial": ""}) == ("EAM-1", None)
    assert eam.equipment_keys({"serial": "SN-1"}) == (None, "SN-1")
    with pytest.raises(eam.EamDocumentError, match="neither"):
        eam.equipment_keys({"asset_id": None})


def test_contract_values_and_errors():
    document = {
        "contract": {
            "contract_id": "SC-1",
            "vendor": "V-1",
            "coverage": "parts",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "yearly_cost": 1200,
        }
    }
    values = eam.contract(document)
    assert (values["start"], values["end"]) == (date(2026, 1, 1), date(2026, 12, 31))
    assert values["coverage"] == "parts"
    with pytest.raises(eam.EamDocumentError, match="ends|before"):
        eam.contract({"contract": {**document["contract"], "end": "2025-01-01"}})
    with pytest.raises(eam.EamDocumentError, match="contract object"):
        eam.contract({"contract": "SC-1"})
    with pytest.raises(eam.EamDocumentError, match="unknown coverage"):
        eam.contract({"contract": {**document["contract"], "coverage": "gold"}})


def test_retirement_and_events():
    values = eam.retirement(
        {"retired_on": "2026-05-01", "reason": "SOLD", "sale_value": 10}
    )
    assert values == {
        "retired_on": date(2026, 5, 1),
        "reason": "sold",
        "sale_value": 10.0,
        "note": "",
    }
    with pytest.raises(eam.EamDocumentError, match="retired_on is missing"):
        eam.retirement({"reason": "sold"})
    with pytest.raises(eam.EamDocumentError, match="unknown retirement reason"):
        eam.retirement({"retired_on": "2026-05-01", "reason": "bored"})
    assert eam.lifecycle_event({"event": "In_Service"}) == "in_service"
    with pytest.raises(eam.EamDocumentError, match="is not one of"):
        eam.lifecycle_event({"event": "exploded"})
