"""The outcome 5 page without outcome reviews: which data would fill it and how a service
starts sending them, the instrument, and why reliable change is not computed."""

from __future__ import annotations


def test_the_outcome_page_says_what_would_fill_it_and_why_no_reliable_change(client):
    page = client.get("/outcomes/5").text
    assert "upload one row per person and" in page and "Sending outcome reviews" in page
    assert "Quality of life and circumstances review" in page
    assert page.count("reliable change not computed") == 3
    assert "No published reliability coefficient" in page
    assert "check its licence terms" in page
    twin = client.get("/outcomes/5.json").json()
    (instrument,) = twin["instruments"]
    assert {s["reliable_change"] for s in instrument["scales"]} == {"not computed"}
    assert all(s["reliability"] is None and s["why"] for s in instrument["scales"])
    assert "qol_reviews_completed_pct" in {i["id"] for i in twin["indicators"]}
    # Other outcomes have no instrument.
    assert client.get("/outcomes/1.json").json()["instruments"] == []
