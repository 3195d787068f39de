/* models.py, urls.py and the management command of the benchmark app. */
#include <string.h>
#include "tfb.h"

/* ---- models: the tables are named as the benchmark names them ---- */

static const mn_field world_fields[] = {
    MN_FIELD_AUTO(world, id),
    MN_FIELD_INT(world, randomnumber, .default_value = "0"),
    MN_FIELD_END
};
mn_model world_model = MN_MODEL(world, "world", "World", world_fields, .meta = { .db_table = "world" });

static const mn_field fortune_fields[] = {
    MN_FIELD_AUTO(fortune, id),
    MN_FIELD_CHAR(fortune, message, .max_length = 2048),
    MN_FIELD_END
};
mn_model fortune_model = MN_MODEL(fortune, "world", "Fortune", fortune_fields, .meta = { .db_table = "fortune" });

static mn_model *const models[] = { &world_model, &fortune_model, NULL };

/* ---- urls ---- */

static const mn_url_pattern patterns[] = {
    MN_PATH("plaintext", tfb_plaintext, "plaintext"),
    MN_PATH("json", tfb_json, "json"),
    MN_PATH("db", tfb_db, "db"),
    MN_PATH("queries", tfb_queries, "queries"),
    MN_PATH("fortunes", tfb_fortunes, "fortunes"),
    MN_PATH("updates", tfb_updates, "updates"),
    MN_PATH("cached-queries", tfb_cached_queries, "cached-queries"),
    MN_URL_END
};
const mn_urlconf world_urls = { .patterns = patterns };

/* ---- ./manage tfb_seed ---- */

/* The benchmark's standard fortunes, in id order. */
static const char *const fortunes[] = {
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    "フレームワークのベンチマーク",
};
#define N_FORTUNES (sizeof fortunes / sizeof fortunes[0])

static int seed(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    mn_err err = { 0 };
    int64_t rows = mn_command_has(ctx, "rows") ? mn_command_int(ctx, "rows") : TFB_WORLD_ROWS;
    if (rows < 1 || rows > 1000000)
        return mn_command_error(ctx, "--rows must be within 1..1000000");
    mn_db *db = mn_orm_db();
    if (!db)
        return mn_command_error(ctx, "no database: set DATABASE_URL");
    /* Fresh tables every time: the seed is the benchmark's fixture. */
    static const char *const drops[] = { "DROP TABLE IF EXISTS world", "DROP TABLE IF EXISTS fortune" };
    for (size_t i = 0; i < 2; i++)
        if (mn_db_execute(db, drops[i], NULL, 0, NULL, &err))
            return mn_command_error(ctx, "%s", err.msg);
    if (mn_model_create_table(&world_model, db, &err) || mn_model_create_table(&fortune_model, db, &err))
        return mn_command_error(ctx, "%s", err.msg);

    void **objs = mn_arena_alloc(a, (size_t)rows * sizeof *objs);
    if (!objs)
        return mn_command_error(ctx, "out of memory");
    for (int64_t i = 0; i < rows; i++) {
        world *w = mn_model_new(&world_model, a, &err);
        if (!w)
            return mn_command_error(ctx, "%s", err.msg);
        w->id = i + 1;
        w->randomnumber = tfb_random(TFB_WORLD_ROWS);
        objs[i] = w;
    }
    if (mn_model_bulk_create(&world_model, objs, (size_t)rows, 1000, db, &err))
        return mn_command_error(ctx, "%s", err.msg);
    for (size_t i = 0; i < N_FORTUNES; i++) {
        fortune *f = mn_model_new(&fortune_model, a, &err);
        if (!f)
            return mn_command_error(ctx, "%s", err.msg);
        f->id = (int64_t)i + 1;
        f->message = mn_str_from(fortunes[i]);
        objs[i] = f;
    }
    if (mn_model_bulk_create(&fortune_model, objs, N_FORTUNES, 0, db, &err))
        return mn_command_error(ctx, "%s", err.msg);
    if (mn_db_engine_of(db) == MN_DB_POSTGRES) {
        /* Rows were given their ids: move the sequences past them, and
         * refresh the planner's statistics. */
        static const char *const fixups[] = {
            "SELECT setval(pg_get_serial_sequence('world', 'id'), (SELECT MAX(id) FROM world))",
            "SELECT setval(pg_get_serial_sequence('fortune', 'id'), (SELECT MAX(id) FROM fortune))",
            "ANALYZE world",
            "ANALYZE fortune",
        };
        for (size_t i = 0; i < 4; i++)
            if (mn_db_execute(db, fixups[i], NULL, 0, NULL, &err))
                return mn_command_error(ctx, "%s", err.msg);
    }
    mn_command_out(ctx, MN_STYLE_SUCCESS, "Seeded %lld worlds and %zu fortunes", (long long)rows, N_FORTUNES);
    return 0;
}

static const mn_command_arg seed_args[] = {
    MN_ARG_OPTION("--rows", MN_ARG_INT, "World rows to create (default 10000)."),
    MN_ARG_END
};
const mn_command tfb_seed_command = {
    .name = "tfb_seed",
    .help = "Creates the world and fortune tables and loads the benchmark's rows.",
    .args = seed_args,
    .handle = seed,
};
static const mn_command *const commands[] = { &tfb_seed_command, NULL };

const mn_app world_app = {
    .name = "tfb.world",
    .label = "world",
    .urls = &world_urls,
    .commands = commands,
    .templates_dir = "world/templates",
    .models = models,
};
