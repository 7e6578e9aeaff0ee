"""O*NET's 35 basic and cross-functional skills (O*NET Content Model 2.A and 2.B; CC BY 4.0, credited in the UI)."""

from django.db import migrations

ONET_SKILLS = [
    # (element id, name, kind, group)
    ("2.A.1.a", "Reading Comprehension", "basic", "Content"),
    ("2.A.1.b", "Active Listening", "basic", "Content"),
    ("2.A.1.c", "Writing", "basic", "Content"),
    ("2.A.1.d", "Speaking", "basic", "Content"),
    ("2.A.1.e", "Mathematics", "basic", "Content"),
    ("2.A.1.f", "Science", "basic", "Content"),
    ("2.A.2.a", "Critical Thinking", "basic", "Process"),
    ("2.A.2.b", "Active Learning", "basic", "Process"),
    ("2.A.2.c", "Learning Strategies", "basic", "Process"),
    ("2.A.2.d", "Monitoring", "basic", "Process"),
    ("2.B.1.a", "Social Perceptiveness", "cross_functional", "Social Skills"),
    ("2.B.1.b", "Coordination", "cross_functional", "Social Skills"),
    ("2.B.1.c", "Persuasion", "cross_functional", "Social Skills"),
    ("2.B.1.d", "Negotiation", "cross_functional", "Social Skills"),
    ("2.B.1.e", "Instructing", "cross_functional", "Social Skills"),
    ("2.B.1.f", "Service Orientation", "cross_functional", "Social Skills"),
    ("2.B.2.i", "Complex Problem Solving", "cross_functional", "Complex Problem Solving Skills"),
    ("2.B.3.a", "Operations Analysis", "cross_functional", "Technical Skills"),
    ("2.B.3.b", "Technology Design", "cross_functional", "Technical Skills"),
    ("2.B.3.c", "Equipment Selection", "cross_functional", "Technical Skills"),
    ("2.B.3.d", "Installation", "cross_functional", "Technical Skills"),
    ("2.B.3.e", "Programming", "cross_functional", "Technical Skills"),
    ("2.B.3.g", "Operations Monitoring", "cross_functional", "Technical Skills"),
    ("2.B.3.h", "Operation and Control", "cross_functional", "Technical Skills"),
    ("2.B.3.j", "Equipment Maintenance", "cross_functional", "Technical Skills"),
    ("2.B.3.k", "Troubleshooting", "cross_functional", "Technical Skills"),
    ("2.B.3.l", "Repairing", "cross_functional", "Technical Skills"),
    ("2.B.3.m", "Quality Control Analysis", "cross_functional", "Technical Skills"),
    ("2.B.4.e", "Judgment and Decision Making", "cross_functional", "Systems Skills"),
    ("2.B.4.g", "Systems Analysis", "cross_functional", "Systems Skills"),
    ("2.B.4.h", "Systems Evaluation", "cross_functional", "Systems Skills"),
    ("2.B.5.a", "Time Management", "cross_functional", "Resource Management Skills"),
    ("2.B.5.b", "Management of Financial Resources", "cross_functional", "Resource Management Skills"),
    ("2.B.5.c", "Management of Material Resources", "cross_functional", "Resource Management Skills"),
    ("2.B.5.d", "Management of Personnel Resources", "cross_functional", "Resource Management Skills"),
]


def load(apps, schema_editor):
    Skill = apps.get_model("employers", "Skill")
    for onet_id, name, kind, group in ONET_SKILLS:
        Skill.objects.update_or_create(onet_id=onet_id, defaults={"name": name, "kind": kind, "group": group})


def unload(apps, schema_editor):
    apps.get_model("employers", "Skill").objects.filter(onet_id__in=[s[0] for s in ONET_SKILLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("employers", "0002_demand_surveys_needs_snapshots")]
    operations = [migrations.RunPython(load, unload)]
