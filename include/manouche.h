/* Manouche: a batteries-included web framework in C.
 * Include this one header to get the whole public API. */
#ifndef MANOUCHE_H
#define MANOUCHE_H

#define MN_VERSION "0.1.0"

#include "manouche/error.h"
#include "manouche/arena.h"
#include "manouche/str.h"
#include "manouche/decimal.h"
#include "manouche/datetime.h"
#include "manouche/value.h"
#include "manouche/json.h"
#include "manouche/urls.h"
#include "manouche/command.h"
#include "manouche/text.h"
#include "manouche/crypto.h"
#include "manouche/signing.h"
#include "manouche/log.h"
#include "manouche/signal.h"
#include "manouche/settings.h"
#include "manouche/db.h"
#include "manouche/model.h"
#include "manouche/queryset.h"
#include "manouche/relation.h"
#include "manouche/http.h"
#include "manouche/server.h"
#include "manouche/middleware.h"
#include "manouche/views.h"
#include "manouche/app.h"
#include "manouche/template.h"
#include "manouche/migrate.h"
#include "manouche/scaffold.h"
#include "manouche/fixtures.h"
#include "manouche/paginator.h"
#include "manouche/nplus1.h"
#include "manouche/testclient.h"
#include "manouche/cache.h"

#endif
