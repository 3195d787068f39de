/* ./manage of the TechEmpower-style benchmark project:
 *   ./manage tfb_seed                      create and load the tables
 *   ./manage runserver HOST:PORT --workers N --threads N --no-access-log
 * DATABASE_URL selects SQLite (default sqlite:///tfb.sqlite3) or PostgreSQL. */
#include "tfb.h"

int main(int argc, char **argv)
{
    return mn_manage_main(&tfb_project, argc, argv);
}
