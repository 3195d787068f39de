"""Operation lists for the optimizer comparison (tests/integration/squash.sh).

Each case is a list of operations in Manouche's migration format. `write`
puts each case in a migration file of its own project directory; `django`
runs Django 3.2's MigrationOptimizer on the same operations and `ours`
reads the migration ./manage squashmigrations wrote; both are summarized
the same way and compared.

    python3 squash_optimizer_cases.py write DIR     # DIR/<case>/products/migrations/0001_ops.json
    python3 squash_optimizer_cases.py compare DIR   # exit 1 on a difference
"""
import json
import os
import sys

ID = {"name": "id", "type": "BigAutoField", "primary_key": True}


def fld(name, type_="CharField", **kw):
    f = {"name": name, "type": type_}
    if type_ == "CharField":
        f.setdefault("max_length", 20)
    f.update(kw)
    return f


def create(name, *fields, **options):
    op = {"op": "CreateModel", "name": name, "fields": [ID] + list(fields)}
    if options:
        op["options"] = options
    return op


def add(model, name, type_="CharField", **kw):
    field = {"type": type_}
    if type_ == "CharField":
        field.setdefault("max_length", 20)
    field.update(kw)
    return {"op": "AddField", "model_name": model, "name": name, "field": field}


def alter(model, name, type_="CharField", **kw):
    op = add(model, name, type_, **kw)
    op["op"] = "AlterField"
    return op


def remove(model, name):
    return {"op": "RemoveField", "model_name": model, "name": name}


def rename_field(model, old, new):
    return {"op": "RenameField", "model_name": model, "old_name": old, "new_name": new}


def rename_model(old, new):
    return {"op": "RenameModel", "old_name": old, "new_name": new}


def delete(name):
    return {"op": "DeleteModel", "name": name}


FK_FOO = {"to": "products.foo", "on_delete": "CASCADE"}

CASES = {
    "create_delete": [create("Foo", fld("a")), delete("Foo")],
    "create_add": [create("Foo", fld("a")), add("Foo", "b")],
    "create_alter": [create("Foo", fld("a")), alter("Foo", "a", max_length=50)],
    "create_remove": [create("Foo", fld("a"), fld("b"), unique_together=[["a", "b"]]), remove("Foo", "a")],
    "create_rename_field": [create("Foo", fld("a"), fld("b"), unique_together=[["a", "b"]]),
                            rename_field("Foo", "a", "c")],
    "create_rename_model": [create("Foo", fld("a")), rename_model("Foo", "Bar")],
    "create_options": [create("Foo", fld("a"), verbose_name="foo"),
                       {"op": "AlterModelOptions", "name": "Foo", "options": {"ordering": ["a"]}}],
    "create_table": [create("Foo", fld("a")), {"op": "AlterModelTable", "name": "Foo", "table": "foo_t"}],
    "create_unique_together": [create("Foo", fld("a"), fld("b")),
                               {"op": "AlterUniqueTogether", "name": "Foo", "unique_together": [["a", "b"]]}],
    "add_alter": [create("Foo", fld("a")), create("Bar", fld("z")), add("Foo", "b"),
                  alter("Foo", "b", max_length=40)],
    "add_alter_only": [add("Foo", "b"), alter("Foo", "b", max_length=40)],
    "add_remove": [add("Foo", "b"), remove("Foo", "b")],
    "add_rename": [add("Foo", "b"), rename_field("Foo", "b", "c")],
    "alter_alter": [alter("Foo", "b", max_length=30), alter("Foo", "b", max_length=40)],
    "alter_remove": [alter("Foo", "b", max_length=30), remove("Foo", "b")],
    "alter_rename": [alter("Foo", "b", max_length=30), rename_field("Foo", "b", "c")],
    "rename_field_chain": [rename_field("Foo", "a", "b"), rename_field("Foo", "b", "c")],
    "rename_model_chain": [rename_model("Foo", "Bar"), rename_model("Bar", "Baz")],
    "table_twice": [{"op": "AlterModelTable", "name": "Foo", "table": "t1"},
                    {"op": "AlterModelTable", "name": "Foo", "table": "t2"}],
    "options_twice": [{"op": "AlterModelOptions", "name": "Foo", "options": {"ordering": ["a"]}},
                      {"op": "AlterModelOptions", "name": "Foo", "options": {"verbose_name": "x"}}],
    "unique_twice": [{"op": "AlterUniqueTogether", "name": "Foo", "unique_together": [["a", "b"]]},
                     {"op": "AlterUniqueTogether", "name": "Foo", "unique_together": []}],
    "remove_delete": [remove("Foo", "a"), delete("Foo")],
    "through_unrelated": [create("Foo", fld("a")), create("Bar", fld("z")), add("Foo", "b")],
    "not_through_fk": [create("Foo", fld("a")), create("Bar", fld("foo", "ForeignKey", **FK_FOO)), delete("Foo")],
    "not_through_runsql": [create("Foo", fld("a")), {"op": "RunSQL", "sql": "SELECT 1"}, add("Foo", "b")],
    "elidable_runsql": [create("Foo", fld("a")), {"op": "RunSQL", "sql": "SELECT 1", "elidable": True},
                        add("Foo", "b")],
    "elidable_runc": [{"op": "RunC", "code": "products.x", "elidable": True}, create("Foo", fld("a"))],
    "not_through_index": [create("Foo", fld("a")),
                          {"op": "AddIndex", "model_name": "Bar", "index": {"name": "bar_z", "fields": ["z"]}},
                          add("Foo", "b")],
    "left_reduction": [create("Foo", fld("a")), add("Bar", "foo", "ForeignKey", **FK_FOO), add("Foo", "z")],
    "fk_blocks_right": [add("Foo", "x"), add("Bar", "foo", "ForeignKey", **FK_FOO), remove("Foo", "x")],
    "delete_other_model": [create("Foo", fld("a")), delete("Bar"), add("Foo", "b")],
    "unique_together_blocks": [add("Foo", "x"),
                               {"op": "AlterUniqueTogether", "name": "Foo", "unique_together": [["x", "y"]]},
                               remove("Foo", "x")],
    "many_passes": [create("Foo", fld("a")), add("Foo", "b"), add("Foo", "c"), remove("Foo", "a"),
                    rename_field("Foo", "c", "d"), alter("Foo", "b", "IntegerField")],
    "create_then_fk_then_rename": [create("Foo", fld("a")), create("Bar", fld("foo", "ForeignKey", **FK_FOO)),
                                   rename_field("Foo", "a", "b")],
    "unrelated_fields": [add("Foo", "a"), add("Bar", "b"), remove("Foo", "a")],
}


def write(root):
    for name, ops in CASES.items():
        d = os.path.join(root, name, "products", "migrations")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "0001_ops.json"), "w") as f:
            json.dump({"initial": True, "dependencies": [], "operations": ops}, f, indent=2)


# ---- summaries (the same text for both sides) ----

def field_text(type_, max_length=None, to=None):
    s = type_
    if max_length:
        s += "(%s)" % max_length
    if to:
        s += "->" + to.lower()
    return s


def ut_text(ut):
    return sorted(tuple(x) for x in ut) if ut else []


def summarize_ours(op):
    k = op["op"]
    if k == "CreateModel":
        fields = ",".join("%s:%s" % (f["name"], field_text(f["type"], f.get("max_length"), f.get("to")))
                          for f in op["fields"])
        o = op.get("options", {})
        return "CreateModel %s [%s] ut=%s ordering=%s table=%s vn=%s" % (
            op["name"], fields, ut_text(o.get("unique_together")), o.get("ordering", []), o.get("db_table"),
            o.get("verbose_name"))
    if k in ("AddField", "AlterField"):
        f = op["field"]
        return "%s %s.%s %s" % (k, op["model_name"], op["name"], field_text(f["type"], f.get("max_length"),
                                                                             f.get("to")))
    if k == "RemoveField":
        return "RemoveField %s.%s" % (op["model_name"], op["name"])
    if k == "RenameField":
        return "RenameField %s.%s->%s" % (op["model_name"], op["old_name"], op["new_name"])
    if k == "RenameModel":
        return "RenameModel %s->%s" % (op["old_name"], op["new_name"])
    if k == "DeleteModel":
        return "DeleteModel %s" % op["name"]
    if k == "AlterModelTable":
        return "AlterModelTable %s %s" % (op["name"], op["table"])
    if k == "AlterModelOptions":
        o = op["options"]
        return "AlterModelOptions %s ordering=%s vn=%s" % (op["name"], o.get("ordering", []), o.get("verbose_name"))
    if k == "AlterUniqueTogether":
        return "AlterUniqueTogether %s %s" % (op["name"], ut_text(op["unique_together"]))
    if k == "AddIndex":
        return "AddIndex %s %s" % (op["model_name"], op["index"]["name"])
    if k == "RunSQL":
        return "RunSQL %s" % op["sql"]
    if k == "RunC":
        return "RunPython"
    raise ValueError(k)


def django_ops(ops):
    from django.db import migrations, models

    def field(d):
        t = d["type"]
        kw = {}
        if t == "BigAutoField":
            kw["primary_key"] = True
        if "max_length" in d:
            kw["max_length"] = d["max_length"]
        if t == "ForeignKey":
            return models.ForeignKey(d["to"], on_delete=models.CASCADE)
        return getattr(models, t)(**kw)

    out = []
    for op in ops:
        k = op["op"]
        if k == "CreateModel":
            out.append(migrations.CreateModel(op["name"], [(f["name"], field(f)) for f in op["fields"]],
                                              options=dict(op.get("options", {}))))
        elif k in ("AddField", "AlterField"):
            out.append(getattr(migrations, k)(op["model_name"], op["name"], field(op["field"])))
        elif k == "RemoveField":
            out.append(migrations.RemoveField(op["model_name"], op["name"]))
        elif k == "RenameField":
            out.append(migrations.RenameField(op["model_name"], op["old_name"], op["new_name"]))
        elif k == "RenameModel":
            out.append(migrations.RenameModel(op["old_name"], op["new_name"]))
        elif k == "DeleteModel":
            out.append(migrations.DeleteModel(op["name"]))
        elif k == "AlterModelTable":
            out.append(migrations.AlterModelTable(op["name"], op["table"]))
        elif k == "AlterModelOptions":
            out.append(migrations.AlterModelOptions(op["name"], op["options"]))
        elif k == "AlterUniqueTogether":
            out.append(migrations.AlterUniqueTogether(op["name"], op["unique_together"]))
        elif k == "AddIndex":
            out.append(migrations.AddIndex(op["model_name"], models.Index(fields=op["index"]["fields"],
                                                                          name=op["index"]["name"])))
        elif k == "RunSQL":
            out.append(migrations.RunSQL(op["sql"], elidable=op.get("elidable", False)))
        elif k == "RunC":
            out.append(migrations.RunPython(migrations.RunPython.noop, elidable=op.get("elidable", False)))
        else:
            raise ValueError(k)
    return out


def summarize_django(op):
    from django.db import migrations
    name = type(op).__name__
    if isinstance(op, migrations.CreateModel):
        fields = ",".join("%s:%s" % (n, field_text(type(f).__name__, f.max_length,
                                                    f.remote_field.model if f.remote_field else None))
                          for n, f in op.fields)
        o = op.options
        return "CreateModel %s [%s] ut=%s ordering=%s table=%s vn=%s" % (
            op.name, fields, ut_text(o.get("unique_together")), list(o.get("ordering", [])), o.get("db_table"),
            o.get("verbose_name"))
    if isinstance(op, (migrations.AddField, migrations.AlterField)):
        f = op.field
        return "%s %s.%s %s" % (name, op.model_name, op.name, field_text(
            type(f).__name__, f.max_length, f.remote_field.model if f.remote_field else None))
    if isinstance(op, migrations.RemoveField):
        return "RemoveField %s.%s" % (op.model_name, op.name)
    if isinstance(op, migrations.RenameField):
        return "RenameField %s.%s->%s" % (op.model_name, op.old_name, op.new_name)
    if isinstance(op, migrations.RenameModel):
        return "RenameModel %s->%s" % (op.old_name, op.new_name)
    if isinstance(op, migrations.DeleteModel):
        return "DeleteModel %s" % op.name
    if isinstance(op, migrations.AlterModelTable):
        return "AlterModelTable %s %s" % (op.name, op.table)
    if isinstance(op, migrations.AlterModelOptions):
        return "AlterModelOptions %s ordering=%s vn=%s" % (op.name, list(op.options.get("ordering", [])),
                                                         op.options.get("verbose_name"))
    if isinstance(op, migrations.AlterUniqueTogether):
        return "AlterUniqueTogether %s %s" % (op.name, ut_text(op.unique_together))
    if isinstance(op, migrations.AddIndex):
        return "AddIndex %s %s" % (op.model_name, op.index.name)
    if isinstance(op, migrations.RunSQL):
        return "RunSQL %s" % op.sql
    if isinstance(op, migrations.RunPython):
        return "RunPython"
    raise ValueError(name)


def compare(root):
    import django
    from django.conf import settings
    settings.configure()
    django.setup()
    from django.db.migrations.optimizer import MigrationOptimizer
    bad = 0
    for name, ops in CASES.items():
        want = [summarize_django(o) for o in MigrationOptimizer().optimize(django_ops(ops), "products")]
        d = os.path.join(root, name, "products", "migrations")
        files = [f for f in os.listdir(d) if "squashed" in f]
        if len(files) != 1:
            print("%s: no squashed migration in %s" % (name, d))
            bad += 1
            continue
        got = [summarize_ours(o) for o in json.load(open(os.path.join(d, files[0])))["operations"]]
        if got != want:
            bad += 1
            print("%s: differs from Django\n  Django:   %s\n  Manouche: %s" % (name, want, got))
    print("%d optimizer cases, %d differ from Django" % (len(CASES), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(compare(sys.argv[2]))
