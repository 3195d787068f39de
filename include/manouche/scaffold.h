/* Manouche: startproject and startapp (django-admin startproject, manage.py
 * startapp).
 *
 * The skeletons are directories of files installed with the library
 * (share/manouche/skel/project and skel/app) and found at run time. Every
 * file is copied with `{{ name }}` replaced by the variables below; unknown
 * `{{ ... }}` are left as they are (an app's HTML templates keep theirs). In
 * paths, the components "project_name" and "app_name" are renamed, a
 * leading "dot-" becomes "." and a trailing "-tpl" is dropped.
 *
 *   project_name, PROJECT_NAME   the project's name, and in capitals
 *   app_name, APP_NAME           the app's name, and in capitals
 *   camel_case_app_name          "blog_posts" -> "BlogPosts"
 *   secret_key                   "django-insecure-" + 50 random characters
 *   manouche_version             MN_VERSION
 *
 * Nothing is overwritten: a file that exists stops the command before
 * anything was written. */
#ifndef MANOUCHE_SCAFFOLD_H
#define MANOUCHE_SCAFFOLD_H

#include <stddef.h>
#include "manouche/error.h"

/* Checks that name can be a project or app name (what is "project" or
 * "app"): a C identifier that is not a C keyword nor a name of the
 * framework. MN_OK or MN_EINVAL with Django's message ("'my-site' is not a
 * valid project name. Please make sure the name is a valid identifier."). */
int mn_scaffold_check_name(const char *name, const char *what, mn_err *err);

/* The skeleton directory of kind ("project" or "app") into out: the
 * MANOUCHE_SKEL_DIR environment variable, else share/manouche/skel beside
 * the running program's bin/, else the installation prefix's, else the
 * source tree's (a build that was not installed). MN_OK, or MN_ENOTFOUND
 * naming the places tried. */
int mn_scaffold_skel_dir(const char *kind, char *out, size_t cap, mn_err *err);

/* startproject NAME [DIR]: dir NULL creates ./NAME (an existing one is an
 * error, as in Django); a given dir must exist. Returns MN_OK, MN_EINVAL (bad
 * name), MN_EEXIST (the directory or a file exists), MN_ENOTFOUND (no
 * skeleton or no such dir) or MN_EIO, with the path in err. Not
 * thread-safe (it reads the environment and the working directory). */
int mn_scaffold_project(const char *name, const char *dir, mn_err *err);

/* startapp NAME [DIR] for project project_name (used for the app's
 * includes): dir NULL creates base_dir/NAME (base_dir NULL: the working
 * directory); a given dir must exist. Also creates NAME/migrations/.
 * Errors as mn_scaffold_project. */
int mn_scaffold_app(const char *name, const char *project_name, const char *base_dir, const char *dir,
                    mn_err *err);

#endif
