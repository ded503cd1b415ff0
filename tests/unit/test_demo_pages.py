"""bin/start prints each simulator at the page of its story's buttons."""

from hcdev import demo


def test_each_story_simulator_is_printed_at_its_story_page():
    pages = {
        name: demo.demo_page(script, port)
        for name, script, port in demo.demo_simulators()
    }
    assert pages["demo-procurement"] == "http://127.0.0.1:8081/_sim/procurement"
    assert pages["demo-ehr"] == "http://127.0.0.1:8082/_sim/ehr"
    assert pages["demo-eprocurement"] == "http://127.0.0.1:8088/_sim/eprocurement"
    # a simulator whose buttons are on its own page keeps it
    assert pages["demo-payroll"] == "http://127.0.0.1:8084/_sim/"
