from tortoise import migrations
from tortoise.migrations import operations as ops
from app.delivery.models import DeliveryStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_item_pinyin_forms')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Delivery',
            name='status',
            field=fields.CharEnumField(default=DeliveryStatus.PENDING, db_index=True, description='PENDING: pending\nREADY: ready\nPICKED_UP: picked_up\nDISPATCHING: dispatching\nSHIPPED: shipped\nCOLLECTED: collected\nIN_TRANSIT: in_transit\nOUT_FOR_DELIVERY: out_for_delivery\nDELIVERED: delivered', enum_type=DeliveryStatus, max_length=20),
        ),
    ]
