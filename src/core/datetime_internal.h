/* Private to src/core: the layout of time zones. */
#ifndef MN_DATETIME_INTERNAL_H
#define MN_DATETIME_INTERNAL_H

#include <stdint.h>
#include "manouche/datetime.h"

enum { MN__TZ_FIXED = 0, MN__TZ_TZIF = 1 };

/* One local-time type of a zone (offset, DST flag, abbreviation). */
typedef struct mn__tz_type {
    int32_t offset;
    int isdst;
    char abbrev[16];
} mn__tz_type;

struct mn_tz {
    int kind;
    char name[64];
    char abbrev[16]; /* fixed zones */
    int32_t offset;  /* fixed zones */
    struct mn_tz *next;
    /* tz database zones (kind MN__TZ_TZIF): transitions and their types. */
    int64_t *trans;        /* UTC seconds, ascending */
    uint8_t *trans_type;   /* index into types for each transition */
    size_t ntrans;
    mn__tz_type *types;
    size_t ntypes;
    int default_type;      /* type before the first transition */
};

/* The local-time type in force at UTC second t of a tz database zone. */
const mn__tz_type *mn__tz_lookup(const mn_tz *tz, int64_t t);

#endif
