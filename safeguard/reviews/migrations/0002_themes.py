"""The managed vocabulary of learning themes, seeded from the Child N review's lessons.

Idempotent: themes are matched by slug. Boards can add their own in the admin.
"""

from django.db import migrations

THEMES = [
    (
        "professional-challenge",
        "Professional challenge",
        "Practitioners questioning each other's decisions and escalating.",
    ),
    ("over-optimism", "Over-optimism", "Optimistic readings of parents' capacity or progress."),
    ("recording", "Recording", "Case records kept up to date, legible and attributed."),
    ("information-sharing", "Information sharing", "Sharing what matters with the agencies that need it."),
    ("cross-border-working", "Cross-border working", "Families moving between local authority areas."),
    ("private-law", "Private law", "Child arrangements proceedings and their orders."),
    ("supervision", "Supervision", "Reflective supervision and its recording."),
    ("caseloads", "Caseloads", "Realistic, weighted caseloads."),
    ("culture-and-language", "Culture and language", "Cultural awareness and the use of interpreters."),
    ("domestic-abuse", "Domestic abuse", "Recognising and responding to domestic abuse."),
    ("mental-health", "Parental mental health", "Adult mental health and its effect on children."),
    (
        "allegations-management",
        "Management of allegations",
        "Allegations against people who work with children.",
    ),
    ("early-years", "Early years and nurseries", "Information from nurseries and at school entry."),
    ("timescales", "Timescales for assessment", "Risk assessments completed in time."),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("reviews", "Theme")
    for slug, name, description in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
