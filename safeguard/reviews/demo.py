"""Demo data: the Child N serious case review, mid-way through monitoring.

Written from the published response (`seed/000_48b5b135afa1a517.txt`): the review led by Lancashire
LSCB with Liverpool SCB as partner, carried out by an NSPCC senior consultant with a systems methodology;
its findings; the three issues each board took on, with the board's response; a single-agency plan for
each of the 13 agencies with the actions the response lists for it; and a multi-agency plan per board for
the board-level actions (monitoring, dissemination, nursery guidance, recording audits).

Everything is written through the services, as the personas who would do it: the board business
managers (who may edit any of the review's plans) and the agency leads where the demo has one (Lancashire
Children's Social Care, Merseyside Police) draft and submit; the Lancashire SCR Subgroup chair approves and
judges the Lancashire agencies' and Lancashire board's plans, the Liverpool Critical Incident Group chair
the Liverpool ones; lead officers with accounts post their own updates and evidence.

Dates. The review keeps its real dates, in its own fields (decided 5 June 2014, report received
27 March 2015, presented to the joint board and accepted 15 April 2015, published 29 May 2015). Action due
dates are set relative to today, because the services rightly refuse what a real history would need
(agreeing an action due in the past, reprogramming to a past date), and because RAG is computed from today:
so the demo always shows a partnership mid-way through monitoring, whatever day it is loaded:
- closed actions (blue) with impact evidenced, delivered ahead of their date;
- on-track actions (green), and actions due within the warning window or flagged at risk (amber);
- red: a board RAG override with its reason (an update missed for two meetings), and actions added to
  approved plans after the date they were due (the plan reopened as a new draft version, awaiting
  resubmission): the only ways the services allow an action to be past its date on the day it is loaded;
- one reprogrammed action (the electronic recording system), approved by the CIG chair with its reason;
- evidence waiting for the CIG chair's and the SCR chair's decisions, and impact assessments due, so their
  My work has items; actions led by personas with accounts (Merseyside Police's supervisors, the
  nursery's designated safeguarding lead, the Lancashire CSC lead), so theirs does too.
Lead officers without an account are named in `lead_officer_name` by role (no personal names).

Idempotent: the review's reference is its natural key; when it is on the register the loader changes
nothing (it runs inside `load_demo`'s transaction, so a run is all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from safeguard.people.models import Agency, Board, Subgroup
from safeguard.reviews import services
from safeguard.reviews.models import (
    ClaimedProgress,
    EvidenceKind,
    ImpactSource,
    ImpactVerdict,
    Methodology,
    PlanKind,
    RecommendationKind,
    Review,
    ReviewStatus,
    ReviewType,
    Theme,
)

REFERENCE = "LSCB-SCR-2014-01"

SUMMARY = (
    "In May 2014 Child N and his mother died in a house fire in Liverpool. The coroner later ruled that Child N "
    "had been unlawfully killed and that his mother had deliberately started the fire. The family had extensive "
    "involvement with professionals in Lancashire and Liverpool, with long-standing private law proceedings. "
    "The review concluded that professionals could not have predicted or prevented Child N's death, and "
    "identified learning for practitioners and organisations in both areas. Considered by the Lancashire SCR "
    "Subgroup on 5 June 2014 under Regulation 5 of the LSCB Regulations 2006; presented to a joint special "
    "meeting of the Lancashire and Liverpool boards on 15 April 2015, which accepted its findings; published "
    "May 2015."
)
FAMILY = (
    "Family members contributed to the review and were kept informed of progress. After the review concluded, "
    "Child N's father expressed dissatisfaction with aspects of the process and the outcome, particularly on "
    "whether the death was preventable, while commending the review for the changes it brought to practice."
)

FINDINGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Professional challenge",
        "Practitioners seldom challenged one another's assessments or the accounts the parents gave; a concern "
        "held by one agency was rarely tested by the others.",
        ("professional-challenge",),
    ),
    (
        "Over-optimism",
        "Assessments leaned towards the most hopeful reading of the family's circumstances and of the parents' "
        "capacity to change, so risks were underweighted.",
        ("over-optimism",),
    ),
    (
        "Recording across local authority areas",
        "Case records involving the other local authority area were not kept up to date, so neither area held "
        "a full picture of the family's history.",
        ("recording", "cross-border-working"),
    ),
    (
        "Private law proceedings",
        "Long-running private law proceedings shaped how agencies saw the child's situation; practitioners were "
        "unsure of their role and of the protective powers available when orders were not adhered to.",
        ("private-law",),
    ),
    (
        "Information sharing with nurseries and schools",
        "Information about the child did not pass from nurseries to school at transition, and settings were "
        "unclear whom to contact for safeguarding advice or when to share concerns.",
        ("information-sharing", "early-years"),
    ),
    (
        "Supervision",
        "Supervision did not consistently help practitioners reflect on the case, test their thinking or "
        "escalate concerns.",
        ("supervision",),
    ),
    (
        "Caseloads and capacity",
        "High and unweighted caseloads, administrative delays and staff absence limited the time practitioners "
        "could give to the family.",
        ("caseloads",),
    ),
    (
        "Cross-border police investigation",
        "When incidents crossed force boundaries, responsibility for investigation passed between forces and the "
        "child was not always seen by the investigating officer; incidents could be closed without supervision.",
        ("cross-border-working",),
    ),
    (
        "Interpreters and culture",
        "Practitioners did not always use interpreters with family members whose first language was not English, "
        "or consider the family's cultural context.",
        ("culture-and-language",),
    ),
)

ISSUES: dict[str, tuple[tuple[str, tuple[int, ...], str], ...]] = {
    "lancashire": (
        (
            "To oversee the implementation of single agency action plans arising from this Review and reflect on "
            "progress in the annual report. In overseeing the implementation the LSCB will establish timescales "
            "for action to be taken, agree success criteria and assess the impact of the actions.",
            (),
            "The SCR sub group of Lancashire LSCB will actively monitor progress on actions from the Lancashire "
            "agencies by requiring updates every other month, and will request quarterly updates from Liverpool "
            "LSCB on the progress Liverpool agencies have made with their action plans. All the findings from SCRs "
            "are built into training courses delivered and commissioned by Lancashire LSCB, and form key lines of "
            "enquiry in multi-agency safeguarding practice inspections, so the impact of actions can be audited.",
        ),
        (
            "To ensure the learning from this Review is actively disseminated to all relevant agencies and "
            "practitioners.",
            (),
            "All agencies involved have been asked to give their practitioners feedback from the review before "
            "publication. At publication Lancashire LSCB will publish a newsletter setting out the key findings "
            "with links to further advice and guidance, and the learning will be included in the next large SCR "
            "briefing in November 2015.",
        ),
        (
            "To consider the most effective means of providing guidance to Nursery settings about best practice "
            "around information sharing when concerned about the welfare of children.",
            (5,),
            "The Local Authority offers Level 1 and Level 2 child protection training to private, voluntary and "
            "independent settings, child-minders and out of school settings, covering information sharing, when "
            "to share concerns with parents and when to refer to Children's Social Care. Some providers train "
            "elsewhere, as they are entitled to. The Local Authority will update its training package to reflect "
            "this and other SCRs, and provide all settings with The 7 Golden Rules for Information Sharing and "
            "the Information Sharing for Managers booklet.",
        ),
    ),
    "liverpool": (
        (
            "To oversee the implementation of single agency action plans arising from this Review and reflect on "
            "progress in the annual report. In overseeing the implementation the LSCB should establish timescales "
            "for action to be taken, agree success criteria and assess the impact of the actions.",
            (),
            "The Critical Incident Group will actively monitor progress on single agency actions at its monthly "
            "meetings, against timescales, success criteria and impact. A quarterly summary will go to the "
            "Lancashire SCB Business Manager from the CIG chair and the Liverpool SCB Business Manager. An "
            "Escalation of Concern procedure has been introduced at strategic, tactical and individual levels.",
        ),
        (
            "To ensure the learning from this Review is actively disseminated to all relevant agencies and "
            "practitioners.",
            (),
            "Agencies will give practitioners feedback before publication; Liverpool SCB will share the Lancashire "
            "newsletter at publication; the Learning & Improvement Sub Group will oversee single agency "
            "dissemination plans; the learning will be built into Learning from Review sessions and Working "
            "Together training, and a multi-agency learning event will be held.",
        ),
        (
            "To schedule audits of single agency recording practices in order to judge the quality of recording "
            "against LSCB procedures and statutory guidance for safeguarding children.",
            (3,),
            "Children's Social Care, Merseyside Police, Liverpool Community Health and General Practice will "
            "report to the Executive Group on case file audits; partner agencies will audit recording standards "
            "as part of their quality assurance; the Audit Sub Group will receive quality assurance audit reports; "
            "and Section 11 standard 11.4 will be revised for 2015/16 to expect case file audit of record keeping.",
        ),
    ),
}


@dataclass(frozen=True)
class A:
    """One action: what, its criterion, its state on the day the demo is loaded, and when it is due."""

    title: str
    criterion: str
    measure: str
    target: str
    state: str  # closed, impact_due, evidence_pending, in_progress, at_risk, soon, agreed, reprogrammed, red, late
    due: int  # days from today
    lead: str = ""  # "@persona_key" for a demo account, else a role named in lead_officer_name
    finding: int | None = None
    issue: int | None = None  # the board's issue number, for board plans
    baseline: str = ""


# Owner key -> (lead role when nobody else is named, actions). Owner keys are agency keys, or "board:<key>".
PLANS: dict[str, tuple[str, tuple[A, ...]]] = {
    "lancashire_csc": (
        "Head of Safeguarding",
        (
            A(
                "Brief all staff that case files involving other local authority areas must be kept up to date",
                "Every social worker has received and acknowledged the briefing",
                "Acknowledgement returns",
                "100%",
                "closed",
                10,
                "@csc_lead",
                3,
            ),
            A(
                "Make private law training available to all social workers",
                "Social workers trained in private law",
                "Training records",
                "80% within six months",
                "impact_due",
                12,
                "Principal Social Worker",
                4,
                baseline="No private law course",
            ),
            A(
                "Audit recording on cases shared with other local authority areas",
                "Records on cross-area cases are up to date",
                "Quarterly case file audit",
                "90% compliant",
                "in_progress",
                120,
                "@csc_lead",
                3,
            ),
        ),
    ),
    "lcft": (
        "Named Nurse for Safeguarding Children",
        (
            A(
                "Deliver training updates on professional challenge and over-optimism",
                "Staff can describe how to challenge and escalate",
                "Post-training audit",
                "85% of sampled staff",
                "closed",
                8,
                "Named Nurse for Safeguarding Children",
                1,
            ),
            A(
                "Implement the improved safeguarding supervision model across the trust",
                "Practitioners receive supervision to the new model",
                "Supervision records",
                "Quarterly for 95%",
                "in_progress",
                150,
                "Head of Safeguarding",
                6,
            ),
            A(
                "Increase attendance by trust representatives at out of area children in care reviews",
                "Trust represented at out of area reviews",
                "Attendance log",
                "90% of reviews",
                "at_risk",
                70,
                "Designated Nurse for Children in Care",
                3,
                baseline="40%",
            ),
            A(
                "Introduce measures for continuity of the health professional in care cases",
                "One named health professional per child in care",
                "Caseload audit",
                "95% of children",
                "agreed",
                200,
                "Designated Nurse for Children in Care",
                2,
            ),
        ),
    ),
    "school": (
        "Designated Safeguarding Lead",
        (
            A(
                "Develop a template for obtaining information from nurseries when children enter school",
                "Transition information received for new starters",
                "Admissions file check",
                "All reception starters",
                "closed",
                9,
                "Designated Safeguarding Lead",
                5,
            ),
            A(
                "Raise staff awareness of whom to contact for safeguarding advice",
                "Staff can name the contacts",
                "Staff survey",
                "95% of staff",
                "in_progress",
                60,
                "Designated Safeguarding Lead",
                5,
            ),
            A(
                "Implement a clear policy for communicating with allocated social workers",
                "Contact with the allocated social worker recorded",
                "Pupil file audit",
                "All children with a social worker",
                "soon",
                5,
                "Headteacher",
                5,
            ),
        ),
    ),
    "lancashire_police": (
        "Detective Superintendent, Public Protection",
        (
            A(
                "In local cross-border investigations, the investigating officer interviews the victim where appropriate",
                "Victims interviewed by the investigating officer",
                "Dip sample of cross-border cases",
                "90% of cases",
                "evidence_pending",
                14,
                "Detective Inspector, Public Protection Unit",
                8,
            ),
            A(
                "Train officers to consider Police Protection Powers when private law orders are not adhered to",
                "Officers trained",
                "Training records",
                "All response officers",
                "closed",
                7,
                "Training Manager",
                4,
            ),
        ),
    ),
    "nursery1": (
        "Nursery Manager",
        (
            A(
                "Make clear that staff do not offer medical advice or opinions about children",
                "Staff follow the policy",
                "Room observations",
                "No instances found",
                "closed",
                6,
                "Nursery Manager",
                5,
            ),
            A(
                "Improve recording processes for concerns about children",
                "Concerns recorded on the new form",
                "Monthly file check",
                "100% of concerns",
                "in_progress",
                45,
                "@nursery_dsl",
                5,
            ),
            A(
                "Always deal with unexplained marks or bruises in an appropriate and safe way",
                "Every unexplained mark is recorded and referred where needed",
                "Body map audit",
                "100%",
                "agreed",
                110,
                "@nursery_dsl",
                5,
            ),
            A(
                "Implement improved templates and supervision arrangements",
                "Staff receive supervision using the template",
                "Supervision records",
                "Every six weeks",
                "in_progress",
                90,
                "Nursery Manager",
                6,
            ),
        ),
    ),
    "nursery2": (
        "Nursery Manager",
        (
            A(
                "Update safeguarding procedures",
                "Procedures updated and signed by staff",
                "Signed copies",
                "All staff",
                "closed",
                5,
                "Nursery Manager",
                5,
            ),
            A(
                "Deliver safeguarding training to all staff",
                "Staff trained",
                "Training records",
                "All staff",
                "closed",
                11,
                "Nursery Manager",
                5,
            ),
            A(
                "Improve supervision so that practice is quality assured",
                "Supervision quality assured",
                "Owner's audit of supervision notes",
                "Quarterly",
                "in_progress",
                100,
                "Nursery Owner",
                6,
            ),
            A(
                "Audit supervision records against the new arrangements",
                "Audit completed and reported",
                "Audit report",
                "Report to the SCR Subgroup",
                "late",
                -14,
                "Nursery Owner",
                6,
            ),
        ),
    ),
    "liverpool_gp": (
        "Named GP for Safeguarding",
        (
            A(
                "Develop links between the practice and health visitors",
                "Regular liaison meetings held",
                "Meeting notes",
                "Monthly",
                "closed",
                9,
                "Practice Safeguarding Lead GP",
                2,
            ),
            A(
                "Improve electronic templates for recording GP safeguarding information",
                "Template used for safeguarding entries",
                "Record audit",
                "90% of entries",
                "in_progress",
                80,
                "Practice Manager",
                3,
            ),
            A(
                "Baseline audit of safeguarding arrangements in primary care",
                "Baseline audit completed",
                "Audit report",
                "All Liverpool practices",
                "agreed",
                180,
                "Named GP for Safeguarding",
                3,
            ),
            A(
                "Improve the registration process for children",
                "New child registrations check for safeguarding information",
                "Registration audit",
                "100%",
                "late",
                -21,
                "Practice Manager",
                5,
            ),
        ),
    ),
    "liverpool_cs": (
        "Head of Service, Children's Social Care",
        (
            A(
                "Introduce realistic, weighted caseloads with a caseload management tool",
                "Caseloads within the weighted limit",
                "Monthly caseload report",
                "90% of social workers",
                "closed",
                12,
                "Head of Service, Children's Social Care",
                7,
                baseline="52%",
            ),
            A(
                "Reduce stress-related sickness absence",
                "Sickness absence falls",
                "HR absence data",
                "Below 4%",
                "at_risk",
                75,
                "Head of Human Resources",
                7,
                baseline="7.5%",
            ),
            A(
                "Set clear timescales for completing risk assessments",
                "Risk assessments completed within timescale",
                "Performance report",
                "85%",
                "impact_due",
                10,
                "Principal Social Worker",
                2,
            ),
            A(
                "Social workers always use interpreters with families whose first language is not English",
                "Interpreter used where needed",
                "Case file audit",
                "100% of relevant cases",
                "in_progress",
                95,
                "Principal Social Worker",
                9,
            ),
            A(
                "Implement the new electronic recording system",
                "System live for all teams",
                "Go-live report",
                "All teams",
                "reprogrammed",
                20,
                "Head of Business Support",
                3,
            ),
            A(
                "Develop and apply a quality assurance framework for recording",
                "Records meet the framework standard",
                "QA audit",
                "80% good or better",
                "in_progress",
                130,
                "@mash_officer",
                3,
            ),
        ),
    ),
    "liverpool_womens": (
        "Named Midwife for Safeguarding",
        (
            A(
                "Review and clarify the referral process into the safeguarding team",
                "Referrals follow the clarified process",
                "Referral audit",
                "95% of referrals",
                "in_progress",
                85,
                "Named Midwife for Safeguarding",
                1,
            ),
        ),
    ),
    "liverpool_community_health": (
        "Named Nurse for Safeguarding Children",
        (
            A(
                "Improve safeguarding supervision processes",
                "Practitioners supervised to policy",
                "Supervision audit",
                "95%",
                "in_progress",
                105,
                "Named Nurse for Safeguarding Children",
                6,
            ),
            A(
                "Raise awareness of domestic abuse and mental health issues",
                "Staff complete the awareness module",
                "Training records",
                "90% of staff",
                "closed",
                8,
                "Safeguarding Trainer",
                2,
            ),
            A(
                "Improve communication with other agencies, including asking about siblings when visiting younger children",
                "Siblings recorded at visits",
                "Record audit",
                "90% of visits",
                "soon",
                6,
                "Health Visiting Team Manager",
                5,
            ),
            A(
                "Complete chronologies as expected by procedures",
                "Chronologies complete and current",
                "Case audit",
                "90% of open cases",
                "red",
                30,
                "Health Visiting Team Manager",
                3,
            ),
        ),
    ),
    "royal_liverpool": (
        "Named Nurse for Safeguarding",
        (
            A(
                "Address illegible signatures on records through training, audited on an ongoing basis",
                "Signatures legible and printed",
                "Quarterly records audit",
                "98% of entries",
                "evidence_pending",
                15,
                "Named Nurse for Safeguarding",
                3,
            ),
            A(
                "Increase awareness of cultural issues through training",
                "Staff trained in cultural awareness",
                "Training records",
                "80% of relevant staff",
                "in_progress",
                120,
                "Equality and Diversity Lead",
                9,
            ),
        ),
    ),
    "alder_hey": (
        "Named Nurse for Safeguarding Children",
        (
            A(
                "Introduce an enhanced management of allegations procedure with clear timescales",
                "Allegations managed within timescale",
                "Allegations log",
                "100%",
                "evidence_pending",
                13,
                "Head of Safeguarding",
                1,
            ),
            A(
                "Introduce training on professional challenge and reflect it in trust procedures",
                "Procedures updated and staff trained",
                "Training records",
                "85% of staff",
                "closed",
                9,
                "Safeguarding Trainer",
                1,
            ),
        ),
    ),
    "merseyside_police": (
        "Detective Chief Inspector, Public Protection",
        (
            A(
                "Increase BCU staffing and police support staff for timely input of VPRF1 referrals and risk assessment",
                "VPRF1 referrals input without delay",
                "Backlog report",
                "Within 24 hours",
                "closed",
                10,
                "@police_lead",
                7,
                baseline="Five-day backlog",
            ),
            A(
                "Adapt Storm so incidents cannot close without question sets and endorsement by an operational "
                "and a control room supervisor",
                "No incident closes without both endorsements",
                "Storm closure report",
                "100% of incidents",
                "evidence_pending",
                14,
                "@ops_supervisor",
                8,
            ),
            A(
                "Train all front line officers and control staff in the new closure process",
                "Officers and control staff trained",
                "Training records",
                "100%",
                "in_progress",
                50,
                "@control_supervisor",
                8,
            ),
            A(
                "Review and re-assess MARAC capacity and effectiveness",
                "Capacity review reported",
                "Review report",
                "Reported to the CIG",
                "agreed",
                160,
                "@police_lead",
                7,
            ),
            A(
                "Contribute to the Liverpool Multi-Agency Safeguarding Hub from go-live",
                "Police staff in the MASH",
                "MASH rota",
                "Every weekday",
                "closed",
                7,
                "@police_lead",
                5,
            ),
        ),
    ),
    "board:lancashire": (
        "LSCB Business Manager",
        (
            A(
                "Require bi-monthly updates from Lancashire agencies and quarterly updates from Liverpool SCB, and "
                "report progress in the annual report",
                "Updates received on time",
                "SCR Subgroup minutes",
                "Every cycle",
                "in_progress",
                140,
                "@lancashire_manager",
                issue=1,
            ),
            A(
                "Build the review's findings into key lines of enquiry for multi-agency practice inspections",
                "Findings used as lines of enquiry",
                "Inspection framework",
                "Next inspection round",
                "agreed",
                170,
                "@lancashire_manager",
                issue=1,
            ),
            A(
                "Ask all agencies to give practitioners feedback from the review before publication",
                "Agencies confirm feedback given",
                "Confirmations",
                "All 13 agencies",
                "closed",
                5,
                "@lancashire_manager",
                issue=2,
            ),
            A(
                "Publish a newsletter at publication with the key findings and links to advice",
                "Newsletter published",
                "Newsletter",
                "At publication",
                "closed",
                6,
                "@lancashire_manager",
                issue=2,
            ),
            A(
                "Include the learning in the November SCR briefing",
                "Learning presented at the briefing",
                "Attendance and evaluations",
                "200 practitioners",
                "closed",
                7,
                "@lancashire_manager",
                issue=2,
            ),
            A(
                "Update the Local Authority's Level 1 and Level 2 child protection training for nursery settings",
                "Training package updated",
                "Course materials",
                "Reflects this and other SCRs",
                "in_progress",
                65,
                "Early Years Safeguarding Officer",
                5,
                issue=3,
            ),
            A(
                "Provide all settings with The 7 Golden Rules for Information Sharing and the Information Sharing for "
                "Managers booklet",
                "Every setting has the resources",
                "Distribution list",
                "All registered settings",
                "at_risk",
                40,
                "Early Years Safeguarding Officer",
                5,
                issue=3,
            ),
        ),
    ),
    "board:liverpool": (
        "LSCB Business Manager",
        (
            A(
                "Monitor single agency actions at monthly CIG meetings and send a quarterly summary to Lancashire",
                "Quarterly summary sent",
                "Summaries",
                "Every quarter",
                "in_progress",
                120,
                "@liverpool_manager",
                issue=1,
            ),
            A(
                "Introduce an Escalation of Concern procedure at strategic, tactical and individual levels",
                "Procedure in place and used",
                "Escalations log",
                "Published procedure",
                "closed",
                9,
                "@liverpool_manager",
                issue=1,
            ),
            A(
                "Share the Lancashire newsletter with the Liverpool workforce at publication",
                "Newsletter shared",
                "Distribution",
                "At publication",
                "closed",
                6,
                "@liverpool_manager",
                issue=2,
            ),
            A(
                "Learning & Improvement Sub Group members develop single agency dissemination plans",
                "Dissemination plans reported",
                "L&I Sub Group minutes",
                "All member agencies",
                "in_progress",
                90,
                "Chair, Learning & Improvement Sub Group",
                issue=2,
            ),
            A(
                "Build the learning into Learning from Review sessions and Working Together training",
                "Sessions include the learning",
                "Course materials",
                "Next programme",
                "soon",
                4,
                "LSCB Training Coordinator",
                issue=2,
            ),
            A(
                "Hold a multi-agency learning event on the learning from this review",
                "Event held",
                "Attendance and evaluations",
                "150 practitioners",
                "agreed",
                150,
                "LSCB Training Coordinator",
                issue=2,
            ),
            A(
                "Report to the Executive Group on case file audits by Children's Social Care, Merseyside Police, "
                "Liverpool Community Health and General Practice",
                "Reports received",
                "Executive Group minutes",
                "All four agencies",
                "evidence_pending",
                16,
                "@liverpool_manager",
                3,
                issue=3,
            ),
            A(
                "Require partner agencies to audit recording standards as part of single agency quality assurance",
                "Audits include recording standards",
                "QA audit reports",
                "All partners",
                "in_progress",
                110,
                "@liverpool_manager",
                3,
                issue=3,
            ),
            A(
                "Audit Sub Group receives quality assurance audit reports with remedial actions",
                "Reports received and considered",
                "Audit Sub Group minutes",
                "Every quarter",
                "agreed",
                160,
                "@auditor",
                3,
                issue=3,
            ),
            A(
                "Revise Section 11 standard 11.4 for 2015/16 to expect case file audit of record keeping",
                "Standard revised",
                "Section 11 framework",
                "2015/16 round",
                "closed",
                8,
                "@liverpool_manager",
                3,
                issue=3,
            ),
        ),
    ),
}

LANCASHIRE_AGENCIES = ("lancashire_csc", "lcft", "school", "lancashire_police", "nursery1", "nursery2")
EDITORS = {"lancashire_csc": "csc_lead", "merseyside_police": "police_lead"}


def _write(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text if text.endswith("\n") else text + "\n")


def load_child_n_review(*, partnership: dict[str, Any], stdout: Any = None) -> dict[str, Any]:
    """Put the Child N review and its plans on the register, once. Returns what it did."""
    existing = Review.objects.filter(reference=REFERENCE).first()
    if existing is not None:
        _write(stdout, "The Child N review is already loaded; nothing changed.")
        return {"created": False, "review": existing.pk}
    loader = _Loader(partnership)
    review = loader.run()
    counts = loader.counts
    _write(
        stdout,
        f"Created the Child N review with {counts['plans']} action plans and {counts['actions']} actions.",
    )
    return {"created": True, "review": review.pk, **counts}


class _Loader:
    def __init__(self, partnership: dict[str, Any]) -> None:
        self.users = partnership["users"]
        self.boards: dict[str, Board] = partnership["boards"]
        self.agencies: dict[str, Agency] = partnership["agencies"]
        self.subgroups: dict[str, Subgroup] = partnership["subgroups"]
        self.today = timezone.localdate()
        self.counts = {"plans": 0, "actions": 0}

    def run(self) -> Review:
        manager = self.users["lancashire_manager"]
        review = services.register_review(
            actor=manager,
            reference=REFERENCE,
            review_type=ReviewType.SERIOUS_CASE_REVIEW,
            subject_pseudonym="Child N",
            lead_board=self.boards["lancashire"],
            partner_boards=[self.boards["liverpool"]],
            involved_agencies=list(self.agencies.values()),
            lead_reviewer="NSPCC senior consultant (safeguarding specialist)",
            methodology=Methodology.SYSTEMS,
            summary=SUMMARY,
            notified_on=date(2014, 6, 5),
        )
        review = services.update_review(
            actor=manager, review=review, expected_version=review.version, family_contribution=FAMILY
        )
        for status, on, reason in (
            (
                ReviewStatus.COMMISSIONED,
                date(2014, 6, 5),
                "The SCR Subgroup found the criteria met and agreed the commissioning arrangements.",
            ),
            (ReviewStatus.IN_PROGRESS, date(2014, 7, 1), ""),
            (ReviewStatus.REPORT_RECEIVED, date(2015, 3, 27), ""),
            (
                ReviewStatus.ACCEPTED,
                date(2015, 4, 15),
                "Presented to the joint special meeting of the Lancashire and Liverpool boards.",
            ),
            (
                ReviewStatus.PUBLISHED,
                date(2015, 5, 29),
                "Publication followed the inquests and the joint board meeting of 15 April 2015.",
            ),
            (ReviewStatus.MONITORING, date(2015, 6, 1), ""),
        ):
            review = services.move_review(
                actor=manager, review=review, to_status=status, on=on, reason=reason
            )
        # The two dates no status move sets: the SCR Subgroup's decision and the joint board meeting.
        review = services.update_review(
            actor=manager,
            review=review,
            expected_version=review.version,
            decided_on=date(2014, 6, 5),
            presented_on=date(2015, 4, 15),
        )

        themes = {t.slug: t for t in Theme.objects.all()}
        findings = [
            services.add_finding(
                actor=manager,
                review=review,
                title=title,
                text=text,
                themes=[themes[s] for s in slugs if s in themes],
            )
            for title, text, slugs in FINDINGS
        ]
        recommendations: dict[tuple[str, int], Any] = {}
        for board_key, issues in ISSUES.items():
            speaker = self.users[f"{board_key}_manager"]
            for number, (text, finding_numbers, response) in enumerate(issues, start=1):
                recommendation = services.add_recommendation(
                    actor=manager,
                    review=review,
                    board=self.boards[board_key],
                    text=text,
                    kind=RecommendationKind.ISSUE_FOR_BOARD,
                    findings=[findings[n - 1] for n in finding_numbers],
                )
                services.record_board_response(
                    actor=speaker, recommendation=recommendation, response=response
                )
                recommendations[(board_key, number)] = recommendation

        for owner_key, (default_lead, actions) in PLANS.items():
            self._plan(review, owner_key, default_lead, actions, findings, recommendations)
        return review

    def _lead(self, lead: str, default: str) -> tuple[Any, str]:
        lead = lead or default
        if lead.startswith("@"):
            return self.users[lead[1:]], ""
        return None, lead

    def _plan(
        self,
        review: Review,
        owner_key: str,
        default_lead: str,
        specs: tuple[A, ...],
        findings: list[Any],
        recommendations: dict[tuple[str, int], Any],
    ) -> None:
        if owner_key.startswith("board:"):
            board_key = owner_key.removeprefix("board:")
            lancashire = board_key == "lancashire"
            owner: dict[str, Any] = {"kind": PlanKind.MULTI_AGENCY, "owner_board": self.boards[board_key]}
            title = f"{self.boards[board_key].short_name} multi-agency action plan: Child N"
            editor = self.users[f"{board_key}_manager"]
        else:
            lancashire = owner_key in LANCASHIRE_AGENCIES
            board_key = "lancashire" if lancashire else "liverpool"
            agency = self.agencies[owner_key]
            owner = {"kind": PlanKind.SINGLE_AGENCY, "owner_agency": agency}
            title = f"{agency.name} action plan: Child N"
            editor = self.users[EDITORS.get(owner_key, f"{board_key}_manager")]
        subgroup = self.subgroups["lancashire_scr" if lancashire else "liverpool_cig"]
        judge = self.users["scr_chair" if lancashire else "cig_chair"]
        plan = services.create_plan(
            actor=self.users["lancashire_manager"],
            review=review,
            monitoring_subgroup=subgroup,
            # Lancashire's SCR Subgroup also follows the Liverpool agencies' progress (quarterly updates).
            monitoring_boards=[subgroup.board] if lancashire else [subgroup.board, self.boards["lancashire"]],
            title=title,
            **owner,
        )
        self.counts["plans"] += 1

        def add(spec: A) -> Any:
            officer, name = self._lead(spec.lead, default_lead)
            action = services.add_action(
                actor=editor,
                plan=plan,
                title=spec.title,
                lead_officer=officer,
                lead_officer_name=name,
                due_date=self.today + timedelta(days=spec.due),
                finding=findings[spec.finding - 1] if spec.finding else None,
                recommendation=recommendations.get((board_key, spec.issue)) if spec.issue else None,
            )
            services.add_success_criterion(
                actor=editor,
                action=action,
                statement=spec.criterion,
                measure=spec.measure,
                target=spec.target,
                baseline=spec.baseline,
                assessed_by=subgroup.name,
            )
            self.counts["actions"] += 1
            return action

        agreed = [(spec, add(spec)) for spec in specs if spec.state != "late"]
        services.submit_plan(actor=editor, plan=plan)
        services.approve_plan(actor=judge, plan=plan)
        for spec, action in agreed:
            action.refresh_from_db()
            self._bring_to_state(spec, action, editor=editor, judge=judge)
        # Added after approval and now past its date: the plan reopens as a new draft version.
        for spec in specs:
            if spec.state == "late":
                add(spec)

    def _bring_to_state(self, spec: A, action: Any, *, editor: Any, judge: Any) -> None:
        reporter = action.lead_officer or editor
        state = spec.state
        if state == "agreed":
            return
        if state in {"in_progress", "soon", "reprogrammed", "red"}:
            services.post_update(
                actor=reporter,
                action=action,
                narrative="Work is under way as planned.",
                claimed=ClaimedProgress.ON_TRACK,
            )
        if state == "at_risk":
            services.post_update(
                actor=reporter,
                action=action,
                narrative="Progress is slower than planned; the lead officer has raised it with the agency lead.",
                claimed=ClaimedProgress.AT_RISK,
            )
        if state == "reprogrammed":
            services.reprogramme_action(
                actor=judge,
                action=action,
                new_due_date=self.today + timedelta(days=120),
                reason="The supplier moved the go-live date; the Critical Incident Group agreed the new date.",
            )
        if state == "red":
            chair_or_manager = self.users["liverpool_manager"]
            services.override_rag(
                actor=chair_or_manager,
                action=action,
                rag="red",
                reason="No update received for two Critical Incident Group meetings; the board judges it off track.",
            )
        if state in {"evidence_pending", "impact_due", "closed"}:
            evidence = services.submit_evidence(
                actor=reporter,
                action=action,
                kind=EvidenceKind.NARRATIVE,
                description=f"Completed: {spec.criterion.lower()} ({spec.measure.lower()}).",
            )
            services.complete_action(actor=reporter, action=action, note="Delivered; evidence submitted.")
            if state == "evidence_pending":
                return
            services.accept_evidence(
                actor=judge, evidence=evidence, note="Evidence meets the success criterion."
            )
            if state == "impact_due":
                return
            services.assess_impact(
                actor=judge,
                action=action,
                verdict=ImpactVerdict.EVIDENCED,
                source=ImpactSource.AUDIT,
                narrative=f"{spec.measure} shows the target ({spec.target}) met.",
            )
            services.close_action(actor=judge, action=action, note="Impact evidenced.")
