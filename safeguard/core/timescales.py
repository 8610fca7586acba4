"""The default timescale rules, from the domain rules (shared/domain/safeguarding-rules.md).

Seeded by migration core.0003 and topped up by `load_demo`. Local values (MASH RAG hours, escalation stage
days) are defaults only; a partnership changes them in the admin. Source citations name the statutory
text and the domain-rules reference key ([S3], [T5] ...).
"""

from __future__ import annotations

from typing import Any

WD = "working_days"
WH = "working_hours"
HOURS = "hours"
MONTHS = "months"

# code, name, regime, start event, unit, limit, amber within (same unit), source
DEFAULT_RULES = [
    (
        "scr-serious-incident-notification",
        "Serious incident notification to Ofsted and the LSCB",
        "WT2015",
        "Local authority becomes aware of a notifiable incident",
        WD,
        5,
        2,
        "Working Together 2015 ch.4; domain rules §1.1-1.2 [S3]",
    ),
    (
        "cspr-serious-incident-notification",
        "Serious incident notification to the Child Safeguarding Practice Review Panel",
        "WT2018",
        "Local authority becomes aware of a serious incident",
        WD,
        5,
        2,
        "Children Act 2004 s16C; Working Together 2018/2023 ch.5; domain rules §1.1-1.2 [S8], [S17], [S7]",
    ),
    (
        "rapid-review",
        "Rapid review",
        "WT2018",
        "Serious incident notification sent to the Panel",
        WD,
        15,
        5,
        "Working Together 2018/2023 ch.5; domain rules §1.2 [S4], [S5]",
    ),
    (
        "review-publication",
        "Review completed and published",
        "WT2018",
        "Review initiated",
        MONTHS,
        6,
        1,
        "Working Together 2018/2023 (expectation: publish within 6 months); domain rules §1.2 [S10], [S7]",
    ),
    (
        "referral-decision",
        "Referral decision and acknowledgement to referrer",
        "WT2015",
        "Referral received",
        WD,
        1,
        0,
        "Working Together 2015 ch.1 para 49; domain rules §2.1 row 1 [T1], [T2]",
    ),
    (
        "single-assessment",
        "Child and family assessment completed",
        "WT2015",
        "Referral received",
        WD,
        45,
        10,
        "Working Together 2015 ch.1 (max 45 working days); domain rules §2.1 row 3 [T3], [T4]",
    ),
    (
        "icpc",
        "Initial child protection conference held",
        "WT2015",
        "Strategy discussion at which the section 47 enquiry was initiated",
        WD,
        15,
        5,
        "Working Together 2015 ch.1; domain rules §2.1 row 6 [T5], [T6], [T7]",
    ),
    (
        "first-core-group",
        "First core group meeting",
        "WT2015",
        "Initial child protection conference",
        WD,
        10,
        3,
        "Working Together 2015 ch.1; domain rules §2.1 row 8 [T10], [T11]",
    ),
    (
        "first-review-conference",
        "First review child protection conference",
        "WT2015",
        "Initial child protection conference",
        MONTHS,
        3,
        1,
        "Working Together 2015 ch.1; domain rules §2.1 row 9 [T9], [T8]",
    ),
    (
        "subsequent-review-conference",
        "Subsequent review child protection conference",
        "WT2015",
        "Previous review child protection conference",
        MONTHS,
        6,
        1,
        "Working Together 2015 ch.1; domain rules §2.1 row 10 [T8]",
    ),
    (
        "lado-referral",
        "Allegation reported to the LADO",
        "WT2015",
        "Allegation made to the employer",
        WD,
        1,
        0,
        "Working Together 2015 ch.2; KCSIE Part 4; domain rules §7.1 [L1], [L2], [L3]",
    ),
    (
        "mash-red",
        "MASH red: partner information returned",
        "local",
        "Contact rated red",
        WH,
        4,
        1,
        "Local default (Surrey Police MASH level 4); domain rules §3.2 [M2]",
    ),
    (
        "mash-amber",
        "MASH amber: partner information returned",
        "local",
        "Contact rated amber",
        WH,
        24,
        4,
        "Local default (Surrey Police MASH level 3); domain rules §3.2 [M2]",
    ),
    (
        "mash-green",
        "MASH green: partner information returned",
        "local",
        "Contact rated green",
        HOURS,
        72,
        12,
        "Local default (Surrey Police MASH level 2); domain rules §3.2 [M2]",
    ),
    (
        "escalation-stage-1",
        "Escalation of concern: stage 1 resolved",
        "local",
        "Escalation raised at stage 1",
        WD,
        5,
        2,
        "Local default (Pan-Lancashire/Blackpool; Wirral: within a working week); domain rules §4.2 [E3], [E6]",
    ),
    (
        "escalation-stage-2",
        "Escalation of concern: stage 2 resolved",
        "local",
        "Escalated to stage 2",
        WD,
        5,
        2,
        "Local default (manager to manager within 5 working days); domain rules §4.2 [E11], [E12]",
    ),
    (
        "escalation-stage-3",
        "Escalation of concern: stage 3 resolved",
        "local",
        "Escalated to stage 3",
        WD,
        5,
        2,
        "Local default (meeting within 5 working days); domain rules §4.2 [E4], [E5]",
    ),
]


def seed_default_rules(rule_model: Any, *, overwrite: bool) -> int:
    """Create the default rules; with `overwrite`, also bring existing ones back to the defaults.

    Takes the model as an argument so the migration can pass its historical model. Returns how many rules
    were created.
    """
    created = 0
    for code, name, regime, start_event, unit, limit, amber_within, source in DEFAULT_RULES:
        values = {
            "name": name,
            "regime": regime,
            "start_event": start_event,
            "unit": unit,
            "limit": limit,
            "amber_within": amber_within,
            "source": source,
        }
        if overwrite:
            _, made = rule_model.objects.update_or_create(code=code, defaults=values)
        else:
            _, made = rule_model.objects.get_or_create(code=code, defaults=values)
        created += int(made)
    return created
