/* The TechEmpower-style benchmark project: one app ("world") with the World
 * and Fortune models, the seven test views and the tfb_seed command. */
#ifndef TFB_H
#define TFB_H

#include <stdint.h>
#include "manouche.h"

/* world: 10,000 rows of (id, randomnumber 1..10000). */
typedef struct world {
    mn_obj mn;
    int64_t id;
    int32_t randomnumber;
} world;

/* fortune: the 12 standard fortunes (id, message). */
typedef struct fortune {
    mn_obj mn;
    int64_t id;
    mn_str message;
} fortune;

extern mn_model world_model;
extern mn_model fortune_model;
extern const mn_app world_app;
extern const mn_urlconf world_urls;
extern const mn_project tfb_project;

/* Rows the benchmark reads and writes: ids and random numbers are 1..10000. */
#define TFB_WORLD_ROWS 10000

/* A random integer in 1..n from this thread's generator. */
int32_t tfb_random(int32_t n);

mn_response *tfb_plaintext(mn_request *req, const mn_url_args *args);
mn_response *tfb_json(mn_request *req, const mn_url_args *args);
mn_response *tfb_db(mn_request *req, const mn_url_args *args);
mn_response *tfb_queries(mn_request *req, const mn_url_args *args);
mn_response *tfb_fortunes(mn_request *req, const mn_url_args *args);
mn_response *tfb_updates(mn_request *req, const mn_url_args *args);
mn_response *tfb_cached_queries(mn_request *req, const mn_url_args *args);

extern const mn_command tfb_seed_command;

#endif
