from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_delegation_cases_released')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Message',
            index=Index(fields=['account_id', 'created_at']),
        ),
    ]
