"""The us-fdcpa pack's legal logic on its shared vocabulary (en-terms): a voicemail is a
limited-content message or a communication that needs the disclosures; a deadline tied to an
escalation is false urgency; arrest and jail words need a person."""
from __future__ import annotations

import pytest

from test_language import findings

VOICEMAIL = {"channel": "voicemail", "collector": "agency", "first_contact": False,
             "jurisdiction": "US"}
CALL = {"channel": "call", "collector": "agency", "first_contact": False, "jurisdiction": "US"}


def rules_of(text: str, **meta) -> set[str]:
    return {f.rule for f in findings(["us-fdcpa"], text, lang="en", **meta)}


DISCLOSURES = {"US-VOICEMAIL-IDENTITY", "US-VOICEMAIL-DEBT-COLLECTOR", "US-VOICEMAIL-MINI-MIRANDA"}


@pytest.mark.parametrize("text", [
    "Hi, this is Robin Smith calling from ABC, Inc. Please contact me or Jim Johnson at 1-800-555-1212.",
    "Hi, this is Robin Smith calling from ABC, Inc. It is 4:15 p.m. on Wednesday. Please contact me or "
    "any of our representatives at 1-800-555-1212 until 6:00 p.m. Eastern time.",
    "Hello, this is {{ agent.name }} with {{ agency.lcm_name }}. Please call me at {{ agency.phone }}.",
])
def test_a_limited_content_voicemail_needs_no_disclosures(text):
    assert rules_of(text, **VOICEMAIL) & DISCLOSURES == set()
    assert rules_of(text, **{**VOICEMAIL, "first_contact": True}) & DISCLOSURES == set()


def test_a_voicemail_without_a_business_name_reports_both_missing_disclosures():
    text = "Hi, my name is Dana. Please call me back at 1-800-555-0100."
    assert rules_of(text, **VOICEMAIL) & DISCLOSURES == {"US-VOICEMAIL-IDENTITY",
                                                          "US-VOICEMAIL-DEBT-COLLECTOR"}
    assert rules_of(text, **{**VOICEMAIL, "first_contact": True}) & DISCLOSURES == {
        "US-VOICEMAIL-IDENTITY", "US-VOICEMAIL-MINI-MIRANDA"}


@pytest.mark.parametrize("extra", [
    "We are calling about your past-due balance.",
    "It is very important that you call today.",
    "I have your case file on my desk.",
])
def test_a_voicemail_with_extra_content_is_a_communication(extra):
    text = f"Hi, this is Robin Smith calling from ABC, Inc. {extra} Please call me at 1-800-555-1212."
    found = rules_of(text, **VOICEMAIL)
    assert "US-VOICEMAIL-DEBT-COLLECTOR" in found
    assert "US-VOICEMAIL-IDENTITY" not in found            # the caller and company are named
    assert "US-VOICEMAIL-MINI-MIRANDA" in rules_of(text, **{**VOICEMAIL, "first_contact": True})


def test_a_voicemail_that_makes_the_disclosures_is_clean():
    text = ("This is Jane Doe with ABC Recovery, a debt collector. This is an attempt to collect a "
            "debt and any information obtained will be used for that purpose. Call 1-800-555-0100.")
    assert rules_of(text, **VOICEMAIL) & DISCLOSURES == set()
    assert rules_of(text, **{**VOICEMAIL, "first_contact": True}) & DISCLOSURES == set()


@pytest.mark.parametrize("text", [
    "Pay within 48 hours or we file suit.",
    "Clear the balance today or we'll have you arrested.",
    "Unless we hear from you by Friday, garnishment starts.",
])
def test_a_deadline_tied_to_an_escalation_is_false_urgency(text):
    assert "US-FALSE-URGENCY" in rules_of(text, **CALL)


@pytest.mark.parametrize("text", [
    "Payments made online post within 48 hours.",
    "If you call today, we can set up a plan.",
    "We have not taken legal action, and you can call us today or next week.",
])
def test_a_deadline_alone_or_a_denied_escalation_is_not_false_urgency(text):
    assert "US-FALSE-URGENCY" not in rules_of(text, **CALL)


@pytest.mark.parametrize("text, fires", [
    ("We arrested the decline in your balance with the new plan.", False),
    ("Our staff volunteer with the jail ministry on weekends.", False),
    ("We'll have you arrested.", True),
    ("Keep ignoring us and you could end up in jail.", True),
    ("You will not be arrested for not paying this debt.", False),
])
def test_arrest_and_jail_words_need_a_person(text, fires):
    assert ("US-ARREST-THREAT" in rules_of(text, **CALL)) is fires
