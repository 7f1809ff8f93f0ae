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
