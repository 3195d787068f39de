/* Private to src/urls. */
#ifndef MN_URLS_INTERNAL_H
#define MN_URLS_INTERNAL_H

#include "manouche/urls.h"

/* The converter registered under name (custom ones first), or NULL. */
const mn_url_converter *mn__url_converter_find(mn_str name);

#endif
