from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops


async def fill_pinyin_forms(apps, schema_editor) -> None:
    """Store the pinyin forms of items written before the field existed."""
    from app.catalog.search import all_pinyin_forms

    item_model = apps.get_model("models", "ServiceItem")
    for item in await item_model.all().using_db(schema_editor.client):
        item.pinyin_forms = all_pinyin_forms(item.name, item.aliases or [])
        await item.save(update_fields=["pinyin_forms"], using_db=schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ServiceItem',
            name='pinyin_forms',
            field=fields.JSONField(default=list, null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.RunPython(fill_pinyin_forms, ops.RunPython.noop),
    ]
