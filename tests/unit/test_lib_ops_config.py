"""Configuration as code: rendering, checking and diffing documents."""

import pytest
import yaml
from addon_lib import addon_lib

ops_config = addon_lib("ops", "ops_config")
Change, ConfigError = ops_config.Change, ops_config.ConfigError

BACKEND_FIELDS = ("name", "base_url", "auth_type", "client_cert_pem", "active")
FLOW_FIELDS = ("name", "flow_type", "endpoint", "max_attempts", "schema", "active")


def document(**backend):
    return {
        "healthcare_integration_config": 1,
        "backends": {
            "medline": {
                "name": "Medline",
                "base_url": "https://medline.example.org",
                "auth_type": "oauth2",
                "secrets": {"credential": True, "webhook": False},
                "flows": {
                    "po_out": {
                        "name": "Orders",
                        "flow_type": "procurement.po_out",
                        "endpoint": "/orders",
                        "max_attempts": 5,
                        "redactions": [{"path": "$.patient", "mode": "drop"}],
                    }
                },
                "crosswalks": {
                    "uom": {"BX": {"label": "Box", "odoo_value": None, "record": None}}
                },
                **backend,
            }
        },
    }


def parse(doc):
    return ops_config.parse(ops_config.render(doc), BACKEND_FIELDS, FLOW_FIELDS)


def test_render_is_sorted_stable_and_round_trips():
    doc = document()
    text = ops_config.render(doc)
    assert text == ops_config.render(yaml.safe_load(text))
    assert yaml.safe_load(text) == doc
    assert text.index("auth_type") < text.index("base_url") < text.index("name:")


def test_multi_line_text_is_a_block_scalar():
    schema = '{\n  "type": "object"\n}'
    doc = document()
    doc["backends"]["medline"]["flows"]["po_out"]["schema"] = schema
    text = ops_config.render(doc)
    assert "schema: |-\n" in text
    assert parse(doc)["backends"]["medline"]["flows"]["po_out"]["schema"] == schema


def test_codes_that_look_like_numbers_stay_strings():
    doc = document()
    doc["backends"]["medline"]["crosswalks"]["uom"]["007"] = {"label": "Pallet"}
    assert "007" in parse(doc)["backends"]["medline"]["crosswalks"]["uom"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not: [yaml", "Not a YAML document"),
        ("- a list", "Not a configuration file"),
        ("healthcare_integration_config: 2", "Not a configuration file"),
        ("healthcare_integration_config: 1\nbackends: []", "'backends' must map"),
    ],
)
def test_not_a_configuration(text, expected):
    with pytest.raises(ConfigError, match=expected):
        ops_config.parse(text, BACKEND_FIELDS, FLOW_FIELDS)


def test_every_problem_is_listed():
    doc = document(colour="red")
    doc["backends"]["medline"]["flows"]["po_out"].pop("flow_type")
    doc["backends"]["medline"]["flows"]["po_out"]["retries"] = 3
    doc["backends"]["medline"]["secrets"]["vault"] = True
    doc["backends"]["medline"]["crosswalks"]["uom"]["BX"]["record"] = {"xmlid": "x.y"}
    with pytest.raises(ConfigError) as caught:
        parse(doc)
    errors = "\n".join(caught.value.errors)
    assert "backend medline: unknown field(s) colour" in errors
    assert "flow po_out: unknown field(s) retries" in errors
    assert "flow po_out: 'flow_type'" in errors
    assert "unknown secret slot vault" in errors
    assert "crosswalk uom/BX: 'record' names a model" in errors


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.update(credential_secret="s3cr3t"),
        lambda b: b["secrets"].update(credential="s3cr3t"),
        lambda b: b["flows"]["po_out"].update(password="hunter2"),
        lambda b: b.update(
            client_cert_pem="-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"
            "-----END RSA PRIVATE KEY-----"
        ),
    ],
)
def test_secret_values_are_refused(change):
    doc = document()
    change(doc["backends"]["medline"])
    with pytest.raises(ConfigError) as caught:
        parse(doc)
    assert "secret" in str(caught.value) or "private key" in str(caught.value)


def test_empty_secret_like_fields_pass():
    doc = document()
    doc["backends"]["medline"]["secrets"] = {"credential": False}
    assert parse(doc)


def test_diff_of_equal_documents_is_empty():
    assert ops_config.diff(document(), document()) == []


def test_diff_creates_what_the_database_lacks():
    changes = ops_config.diff({"backends": {}}, document())
    assert [c.text() for c in changes] == [
        "+ backend medline",
        "+ flow medline/po_out",
        "+ crosswalk medline/uom/BX",
    ]
    assert "secrets" not in changes[0].after
    assert "flows" not in changes[0].after


def test_diff_updates_only_what_the_file_sets():
    current = document()
    target = document(base_url="https://medline-prod.example.org")
    del target["backends"]["medline"]["auth_type"]
    target["backends"]["medline"]["flows"]["po_out"]["max_attempts"] = 8
    target["backends"]["medline"]["crosswalks"]["uom"]["BX"]["label"] = "Box of 10"
    assert ops_config.diff(current, target) == [
        Change(
            "update",
            "backend",
            ("medline",),
            "base_url",
            "https://medline.example.org",
            "https://medline-prod.example.org",
        ),
        Change("update", "flow", ("medline", "po_out"), "max_attempts", 5, 8),
        Change(
            "update", "crosswalk", ("medline", "uom", "BX"), "label", "Box", "Box of 10"
        ),
    ]


def test_prune_archives_what_the_file_does_not_list():
    current = document()
    current["backends"]["medline"]["flows"]["old"] = {
        "flow_type": "x.y",
        "active": True,
    }
    current["backends"]["medline"]["flows"]["gone"] = {
        "flow_type": "x.y",
        "active": False,
    }
    current["backends"]["medline"]["crosswalks"]["uom"]["CS"] = {"label": "Case"}
    target = document()
    assert ops_config.diff(current, target) == []
    assert [c.text() for c in ops_config.diff(current, target, prune=True)] == [
        "- flow medline/old (archived: not in the file)",
        "- crosswalk medline/uom/CS (archived: not in the file)",
    ]


def test_change_text_shortens_long_values():
    change = Change("update", "flow", ("b", "f"), "schema", "x" * 200, "y")
    text = change.text()
    assert text.startswith("~ flow b/f: schema: xxx")
    assert "…" in text
    assert len(text) < 120


def test_missing_secrets():
    current = document()
    current["backends"]["medline"]["secrets"] = {"credential": False}
    assert ops_config.missing_secrets(current, document()) == [
        ("medline", "credential")
    ]
    assert ops_config.missing_secrets(document(), document()) == []


def test_children_must_be_mappings():
    doc = document(flows=["po_out"], crosswalks="uom")
    with pytest.raises(ConfigError) as caught:
        parse(doc)
    assert caught.value.errors == [
        "backend medline: 'flows' must be a mapping",
        "backend medline: 'crosswalks' must be a mapping",
    ]
