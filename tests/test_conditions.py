"""Branch conditions said in words, from the Jinja expression (not from its spelling)."""
from __future__ import annotations

import pytest

from scriptcheck.conditions import in_words, path_in_words, variant_in_words


@pytest.mark.parametrize("condition, zh, en", [
    ('attitude == "refuses"', "客户拒绝还款时", "when the customer refuses to pay"),
    ("attitude=='refuses'", "客户拒绝还款时", "when the customer refuses to pay"),
    ('not (attitude == "refuses") and not (attitude == "avoids")',
     "除客户拒绝还款、客户回避推脱以外的其他情况",
     "when neither the customer refuses to pay nor the customer avoids the question"),
    ("days_overdue > 30", "逾期天数超过30天时", "when the account is more than 30 days overdue"),
    ("not (days_overdue > 30)", "逾期天数不超过30天时", "when the account is at most 30 days overdue"),
    ("hardship", "客户说明有经济困难时", "when the customer says they are in financial hardship"),
    ("not hardship", "客户没有说明经济困难时", "unless the customer says they are in financial hardship"),
    ('attitude != "calm"', "客户态度不是“calm”时", 'unless the customer\'s attitude is "calm"'),
    ('attitude != "hostile"', "除客户情绪激动以外的其他情况", "unless the customer is hostile"),
    ('contact.relation in ["父亲", "母亲"]', "联系人是客户的父亲或联系人是客户的母亲时",
     "when the contact is the customer's father or the contact is the customer's mother"),
    ("promise_date is defined", "已提供“promise date”时", "when promise date is given"),
    ("promise_date is not defined", "没有提供“promise date”时", "when promise date is not given"),
    ("hardship or customer_disputes", "客户说明有经济困难，或客户对欠款提出异议时",
     "when the customer says they are in financial hardship or the customer disputes the debt"),
    ("not (hardship or customer_disputes)", "客户没有说明经济困难，且客户对欠款没有异议时",
     "unless the customer says they are in financial hardship or the customer disputes the debt"),
    ("customer.vip_flag", "“customer vip flag”成立时", "when customer vip flag is set"),
])
def test_conditions_in_words(condition, zh, en):
    assert in_words(condition, "zh") == zh
    assert in_words(condition, "en") == en


def test_a_condition_that_does_not_parse_is_shown_as_written():
    assert in_words("attitude ==", "zh") == "attitude =="


def test_a_path_is_said_as_one_phrase():
    assert path_in_words(('attitude == "avoids"', "not (autopay_available)"), "zh") == \
        "客户回避推脱，不能开通自动还款时"
    assert path_in_words(("hardship", "plan_available"), "en") == \
        "when the customer says they are in financial hardship and a payment plan is available"
    assert path_in_words((), "zh") == "所有情况"


def test_a_findings_variant_keeps_its_alternatives():
    said = variant_in_words('attitude == "refuses" or days_overdue > 30', "zh")
    assert said == "客户拒绝还款时；或逾期天数超过30天时"
    assert variant_in_words(None, "en") is None
