from tortoise import migrations
from tortoise.migrations import operations as ops
from app.identity.models import AccountStatus, Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('role', fields.CharEnumField(db_index=True, description='RESIDENT: resident\nLEGAL_PERSON: legal_person\nAGENT: agent\nCOUNTER: counter\nREVIEWER: reviewer\nADMIN: admin', enum_type=Role, max_length=16)),
                ('status', fields.CharEnumField(default=AccountStatus.ACTIVE, description='ACTIVE: active\nDISABLED: disabled', enum_type=AccountStatus, max_length=16)),
                ('display_name', fields.CharField(default='', max_length=64)),
                ('openid', fields.CharField(null=True, unique=True, max_length=64)),
                ('unionid', fields.CharField(null=True, db_index=True, max_length=64)),
                ('username', fields.CharField(null=True, unique=True, max_length=64)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('real_name', fields.CharField(null=True, max_length=64)),
                ('id_number_enc', fields.CharField(null=True, max_length=255)),
                ('id_number_index', fields.CharField(null=True, unique=True, max_length=64)),
                ('phone_enc', fields.CharField(null=True, max_length=255)),
                ('phone_index', fields.CharField(null=True, db_index=True, max_length=64)),
                ('realname_level', fields.SmallIntField(default=1)),
                ('realname_verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('credit_code', fields.CharField(null=True, db_index=True, max_length=18)),
                ('org_name', fields.CharField(null=True, max_length=128)),
                ('region_code', fields.CharField(null=True, max_length=12)),
                ('hall_id', fields.UUIDField(null=True)),
                ('service_point_id', fields.UUIDField(null=True)),
                ('department', fields.CharField(null=True, max_length=64)),
                ('is_shadow', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Hall',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=128)),
                ('region_code', fields.CharField(db_index=True, max_length=12)),
                ('address', fields.CharField(max_length=255)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('opening_hours', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('windows', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
            ],
            options={'table': 'hall', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A government service hall (政务服务大厅 / 便民服务中心) with its counter windows.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('family', fields.CharField(db_index=True, max_length=32)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=16)),
                ('device', fields.CharField(default='', max_length=128)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refresh_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One opaque refresh token (hash only). `family` groups the rotations of one login.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Region',
            fields=[
                ('code', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=12)),
                ('name', fields.CharField(max_length=64)),
                ('level', fields.CharField(max_length=16)),
                ('parent_code', fields.CharField(null=True, db_index=True, max_length=12)),
            ],
            options={'table': 'region', 'app': 'models', 'pk_attr': 'code', 'table_description': 'An administrative division: province, city, county, township or village (12-digit codes'},
            bases=['Model'],
        ),
    ]
