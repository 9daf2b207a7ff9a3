from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0002_enrollment_avoided_mentors_enrollment_wished_mentors_and_more'),
    ]

    # PairRule and MatchProposal now belong to the matching app (matching/migrations/0001_initial.py). Only
    # Django's idea of the models moves; the tables, their rows and their names stay where they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='pairrule',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='pairrule',
                    name='mentee',
                ),
                migrations.RemoveField(
                    model_name='pairrule',
                    name='mentor',
                ),
                migrations.RemoveField(
                    model_name='pairrule',
                    name='program',
                ),
                migrations.DeleteModel(
                    name='MatchProposal',
                ),
                migrations.DeleteModel(
                    name='PairRule',
                ),
            ],
            database_operations=[],
        ),
    ]
