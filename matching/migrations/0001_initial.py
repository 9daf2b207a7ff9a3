import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("matchproposal", "pairrule")


def _relabel(apps, old: str, new: str) -> None:
    # Existing content types (and the permissions and admin log entries that point at them) follow the models,
    # so that nothing is left behind under the old app. On a new database there are none yet: nothing happens.
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model__in=MOVED).exists():
        return
    ContentType.objects.filter(app_label=old, model__in=MOVED).update(app_label=new)


def relabel_content_types(apps, schema_editor) -> None:
    _relabel(apps, "programs", "matching")


def unrelabel_content_types(apps, schema_editor) -> None:
    _relabel(apps, "matching", "programs")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('programs', '0003_matching_models_move_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables were created by programs/migrations/0002 and keep their names (db_table): this migration only
    # tells Django that the matching app owns them now. Nothing is created, copied or dropped.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MatchProposal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('origin', models.CharField(choices=[('engine', 'Matching engine'), ('mentee', 'Requested by the mentee'), ('admin', 'Assigned by an administrator')], max_length=6)),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('proposed', 'Waiting for the mentor'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('expired', 'Expired'), ('withdrawn', 'Withdrawn')], default='draft', max_length=9)),
                        ('score', models.FloatField(default=0)),
                        ('reasons', models.JSONField(blank=True, default=list)),
                        ('penalties', models.JSONField(blank=True, default=list)),
                        ('locked', models.BooleanField(default=False)),
                        ('respond_by', models.DateTimeField(blank=True, null=True)),
                        ('question', models.TextField(blank=True, max_length=2000, verbose_name='question for the mentee')),
                        ('answer', models.TextField(blank=True, max_length=2000, verbose_name="the mentee's answer")),
                        ('decline_reason', models.TextField(blank=True, max_length=2000, verbose_name='why not')),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('mentee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals_as_mentee', to='programs.enrollment')),
                        ('mentor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals_as_mentor', to='programs.enrollment')),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='programs.program')),
                    ],
                    options={
                        'db_table': 'programs_matchproposal',
                        'ordering': ['-score', 'pk'],
                        'indexes': [models.Index(fields=['program', 'status'], name='proposal_program_status'), models.Index(fields=['status', 'respond_by'], name='proposal_deadline')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['draft', 'proposed'])), fields=('mentee', 'mentor'), name='proposal_open_once_per_pair')],
                    },
                ),
                migrations.CreateModel(
                    name='PairRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rule', models.CharField(choices=[('lock', 'Locked'), ('forbid', 'Forbidden')], max_length=6)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('mentee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programs.enrollment')),
                        ('mentor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programs.enrollment')),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pair_rules', to='programs.program')),
                    ],
                    options={
                        'db_table': 'programs_pairrule',
                        'constraints': [models.UniqueConstraint(fields=('mentee', 'mentor'), name='pair_rule_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]
