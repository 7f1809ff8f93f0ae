"""The categories of DESIGN.md: every rule belongs to exactly one (or to a house `x-` one)."""

CATEGORIES = {
    "threat-violence": "threats of harm to a person or property",
    "threat-arrest-or-criminal": "threats of arrest, jail, police, criminal prosecution for ordinary debt",
    "threat-home-visit": "threats of turning up at home or work",
    "false-legal-consequence": "misstating what legal action can or will do",
    "impersonation-authority": "claiming or implying to be police, court, government, or acting for them",
    "false-attorney": "claiming or implying to be a lawyer or law firm when not",
    "third-party-disclosure": "revealing the debt or its details to someone other than the debtor",
    "contact-third-party-pressure": "threatening to contact family, employer, colleagues, phone contacts",
    "shaming-exposure": "threatening to publish, expose or shame the debtor",
    "abusive-insult": "insults and demeaning labels",
    "profanity": "obscene or profane language",
    "harassment-frequency": "threats of relentless contact; contact plans over frequency limits",
    "inconvenient-time": "contact at forbidden hours (in the text or in contact_window)",
    "missing-identity-disclosure": "the collector or creditor identity is not disclosed where required",
    "missing-debt-collector-disclosure": "the required debt-collector notice is absent",
    "missing-opt-out": "an electronic message lacks the required opt-out",
    "privacy-leak": "exposing personal data (full ID or card numbers, debt details in a voicemail or SMS)",
    "sensitive-info-request": "asking for passwords, verification codes, full card or ID numbers",
    "false-urgency-deadline": "invented deadlines and last-chance pressure",
    "misleading-amount-or-fee": "invented fees, charges or amounts",
    "payment-to-private-account": "asking for payment to a personal or unofficial account",
    "time-barred-debt": "threatening suit on, or not disclosing, a time-barred debt",
    "dispute-rights": "denying, ignoring or overshadowing the right to dispute",
    "impolite-address": "disrespectful address or tone under the house style",
    "pressure-borrow-to-repay": "urging the debtor to borrow, use other credit, sell property or ask others to pay",
    "template-error": "the template itself cannot be analysed",
}


def is_category(name: str) -> bool:
    return name in CATEGORIES or (name.startswith("x-") and len(name) > 2)


# What trainers read in Chinese reports (the category ids stay the names tools use)
NAMES_ZH = {
    "threat-violence": "暴力威胁",
    "threat-arrest-or-criminal": "以抓捕、坐牢、刑事追究相威胁",
    "threat-home-visit": "以上门相威胁",
    "false-legal-consequence": "歪曲法律后果",
    "impersonation-authority": "冒充公检法或政府机关",
    "false-attorney": "冒充律师或律师事务所",
    "third-party-disclosure": "向第三人透露债务",
    "contact-third-party-pressure": "以联系亲友、单位施压",
    "shaming-exposure": "以曝光、羞辱施压",
    "abusive-insult": "侮辱、贬低",
    "profanity": "脏话",
    "harassment-frequency": "骚扰、频繁联系",
    "inconvenient-time": "不当时间联系",
    "missing-identity-disclosure": "未表明身份",
    "missing-debt-collector-disclosure": "未声明催收身份",
    "missing-opt-out": "缺少退订方式",
    "privacy-leak": "泄露个人信息",
    "sensitive-info-request": "索要敏感信息",
    "false-urgency-deadline": "虚构期限、制造紧迫",
    "misleading-amount-or-fee": "虚构费用或金额",
    "payment-to-private-account": "要求转账到私人账户",
    "time-barred-debt": "超过诉讼时效的债务",
    "dispute-rights": "妨碍提出异议",
    "impolite-address": "称呼、语气不礼貌",
    "pressure-borrow-to-repay": "逼迫借钱还款",
    "template-error": "模板错误",
}


def name(category: str, lang: str) -> str:
    """A category as a trainer reads it in that language (the id itself where no name is set)."""
    return NAMES_ZH.get(category, category) if lang == "zh" else category
