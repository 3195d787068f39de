/* Reads hex-encoded raw requests, one per line, and prints what our parser
 * makes of each as a JSON line (for the differential test against Node's
 * parser, tests/integration/http_node_diff.py):
 *   {"ok":true,"method":..,"target":..,"headers":[[name,value],..],"body":hex}
 *   {"ok":false,"status":400}   or   {"incomplete":true} */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/http.h"

static void put_json_str(mn_str s)
{
    putchar('"');
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c); /* bytes as latin-1 code points, like Node's strings */
        else
            putchar(c);
    }
    putchar('"');
}

static int hexval(int c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int main(void)
{
    static char line[1 << 20];
    static char raw[1 << 19];
    static mn_header hdrs[128];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n") / 2;
        for (size_t i = 0; i < n; i++)
            raw[i] = (char)(hexval(line[2 * i]) * 16 + hexval(line[2 * i + 1]));
        mn_http_head h;
        ptrdiff_t r = mn_http_parse_head(raw, n, NULL, hdrs, 128, &h);
        if (r < 0) {
            printf("{\"ok\":false,\"status\":%d}\n", (int)-r);
            continue;
        }
        if (r == 0) {
            printf("{\"incomplete\":true}\n");
            continue;
        }
        size_t body_len = 0;
        char *body = raw + r;
        if (h.chunked) {
            mn_http_chunked st = { 0 };
            size_t d = 0, p = 0;
            int rc = mn_http_chunked_decode(&st, body, &d, &p, n - (size_t)r, 0);
            if (rc < 0) {
                printf("{\"ok\":false,\"status\":%d}\n", -rc);
                continue;
            }
            if (rc == 0) {
                printf("{\"incomplete\":true}\n");
                continue;
            }
            body_len = d;
        } else if (h.content_length > 0) {
            if ((size_t)h.content_length > n - (size_t)r) {
                printf("{\"incomplete\":true}\n");
                continue;
            }
            body_len = (size_t)h.content_length;
        }
        printf("{\"ok\":true,\"method\":");
        put_json_str(h.method);
        printf(",\"target\":");
        put_json_str(h.target);
        printf(",\"headers\":[");
        for (size_t i = 0; i < h.nheaders; i++) {
            printf(i ? ",[" : "[");
            put_json_str(h.headers[i].name);
            putchar(',');
            put_json_str(h.headers[i].value);
            putchar(']');
        }
        printf("],\"body\":\"");
        for (size_t i = 0; i < body_len; i++)
            printf("%02x", (unsigned char)body[i]);
        printf("\"}\n");
    }
    return 0;
}
