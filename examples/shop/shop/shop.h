/* The shop project: settings, root URLs, middleware (Django's shop/ package). */
#ifndef SHOP_SHOP_H
#define SHOP_SHOP_H

#include <manouche.h>

extern const mn_project shop_project;
extern const mn_urlconf shop_urls;

/* The guide's middleware examples. */
extern const mn_middleware shop_request_logging_middleware;
extern const mn_middleware shop_custom_header_middleware;

#endif
