/* Private to src/core: the layout of time zones. */
#ifndef MN_DATETIME_INTERNAL_H
#define MN_DATETIME_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "manouche/datetime.h"

enum { MN__TZ_FIXED = 0, MN__TZ_TZIF = 1 };

/* One local-time type of a zone (offset, DST flag, abbreviation). */
typedef struct mn__tz_type {
    int32_t offset;
    int isdst;
    char abbrev[16];
} mn__tz_type;

/* A day rule of a POSIX TZ string: Jn (kind 'J', 1..365, no Feb 29),
 * n (kind 'N', 0..365) or Mm.w.d (kind 'M'), with a local time of day in
 * seconds (may be negative or past 24h in version 3 files). */
typedef struct mn__tz_rule_day {
    char kind;
    int month, week, wday, yday;
    int32_t time;
} mn__tz_rule_day;

/* The POSIX TZ rule of a TZif footer ("CET-1CEST,M3.5.0,M10.5.0/3"). */
typedef struct mn__tz_rule {
    int present; /* 0: no footer rule */
    int has_dst;
    mn__tz_type std, dst;
    mn__tz_rule_day start, end;
} mn__tz_rule;

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
    mn__tz_rule rule;      /* for instants at or after the last transition */
};

/* The local-time type in force at UTC second t of a tz database zone. */
const mn__tz_type *mn__tz_lookup(const mn_tz *tz, int64_t t);

/* Limits of the TZif reader. */
#define MN__TZIF_MAX_BYTES (256 * 1024)

/* Parses a TZif file (versions 1 to 4) held in data[0..len) into a new heap
 * zone named name. Every count, index, offset and abbreviation is checked;
 * leap-second files are refused. Returns MN_OK, MN_EPARSE (with a message
 * in err) or MN_ENOMEM. Free the zone with mn__tz_free. */
int mn__tzif_parse(const uint8_t *data, size_t len, const char *name, mn_tz **out, mn_err *err);
void mn__tz_free(mn_tz *tz);

/* Parses a POSIX TZ string (the footer of a TZif file). MN_OK or MN_EPARSE. */
int mn__tz_rule_parse(const char *s, size_t len, mn__tz_rule *rule, mn_err *err);

/* How a local wall-clock reading maps onto a zone: n = 1 (one instant),
 * n = 2 (ambiguous: offsets of the earlier and of the later instant), or
 * n = 0 (in a gap: off[0] is in force before it, off[1] after it). */
typedef struct mn__tz_resolved {
    int n;
    int32_t off[2];
    int isdst[2];
} mn__tz_resolved;

void mn__tz_resolve(const mn_tz *tz, int64_t local_s, mn__tz_resolved *r);

int64_t mn__floordiv(int64_t a, int64_t b);

#endif
