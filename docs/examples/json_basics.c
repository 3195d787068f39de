/* docs/json.md: parsing a request body, writing a response, json_script. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

int main(void)
{
    mn_arena *arena = mn_arena_new("request", 0);
    mn_err err = { 0 };

    /* request.data: json.loads(body) */
    const char *body = "{\"name\": \"Caf\u00e9 cr\u00e8me\", \"qty\": 2, \"price\": 3.5,"
                       " \"tags\": [\"hot\", \"milk\"], \"ref\": 123456789012345678901234}";
    mn_value data;
    if (mn_json_loads(arena, mn_str_from(body), NULL, &data, &err) != MN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    mn_value qty = mn_map_get_cstr(data.u.map, "qty");
    assert(mn_value_type(qty) == MN_VALUE_INT && qty.u.i == 2);
    mn_value ref = mn_map_get_cstr(data.u.map, "ref"); /* beyond int64: an exact decimal */
    assert(mn_value_type(ref) == MN_VALUE_DECIMAL);

    /* Malformed input: a clear message with line and column. */
    mn_value bad;
    int rc = mn_json_loads(arena, MN_STR("{\"qty\": 2,\n \"name\": }"), NULL, &bad, &err);
    printf("%s\n", err.msg);
    assert(rc == MN_EPARSE);
    assert(strcmp(err.msg, "JSON parse error at line 2, column 10: unexpected token near '}'") == 0);

    /* Response(serializer.data): mn_json_write_value on a map, DRF's format. */
    mn_map *order = mn_map_new(arena, 4);
    mn_map_set_cstr(order, "id", mn_value_int(7));
    mn_decimal total = mn_decimal_from_i64(700);
    total.scale = 2;
    mn_map_set_cstr(order, "total", mn_value_decimal(total));
    mn_datetime created = mn_datetime_naive((mn_date){ 2024, 1, 5 }, (mn_time){ 10, 30, 0, 0 });
    created.tz = mn_tz_utc();
    mn_map_set_cstr(order, "created", mn_value_datetime(created));
    mn_map_set_cstr(order, "name", mn_map_get_cstr(data.u.map, "name"));
    mn_map_set_cstr(order, "tags", mn_map_get_cstr(data.u.map, "tags"));
    mn_str json = mn_json_dumps(arena, mn_value_map(order), MN_JSON_DRF | MN_JSON_DECIMAL_AS_STRING,
                                &err);
    assert(json.ptr);
    printf("%s\n", json.ptr);
    assert(strcmp(json.ptr, "{\"id\":7,\"total\":\"7.00\",\"created\":\"2024-01-05T10:30:00Z\","
                            "\"name\":\"Caf\u00e9 cr\u00e8me\",\"tags\":[\"hot\",\"milk\"]}") == 0);

    /* Streaming: the writer places commas and checks the nesting. */
    mn_buf out;
    mn_buf_init(&out, arena, 0);
    mn_json_writer w;
    mn_json_writer_init(&w, &out, MN_JSON_INDENT(2));
    mn_json_write_begin_object(&w);
    mn_json_write_key_cstr(&w, "count");
    mn_json_write_int(&w, 1);
    mn_json_write_key_cstr(&w, "results");
    mn_json_write_begin_array(&w);
    mn_json_write_value(&w, mn_value_cstr("one"));
    mn_json_write_end_array(&w);
    mn_json_write_end_object(&w);
    if (mn_json_writer_finish(&w, &err) != MN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("%s\n", mn_buf_cstr(&out));
    assert(strcmp(mn_buf_cstr(&out), "{\n  \"count\": 1,\n  \"results\": [\n    \"one\"\n  ]\n}") == 0);

    /* {{ value|json_script:"data" }}: safe inside <script>. */
    mn_map *ctx = mn_map_new(arena, 1);
    mn_map_set_cstr(ctx, "msg", mn_value_cstr("</script><b>caf\u00e9</b>"));
    json = mn_json_dumps(arena, mn_value_map(ctx), MN_JSON_DJANGO_SCRIPT, &err);
    printf("%s\n", json.ptr);
    assert(strcmp(json.ptr, "{\"msg\": \"\\u003C/script\\u003E\\u003Cb\\u003Ecaf\\u00e9\\u003C/b\\u003E\"}") == 0);

    mn_arena_free(arena);
    return 0;
}
