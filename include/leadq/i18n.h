/* leadq — gettext macros.  _() translates at run time (programs only);
 * N_() marks a string for xgettext and is all the core ever uses. */
#ifndef LEADQ_I18N_H
#define LEADQ_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#define P_(s, p, n) ngettext((s), (p), (n))
#else
#define _(s) (s)
#define P_(s, p, n) ((n) == 1 ? (s) : (p))
#endif

#define N_(s) s

#endif
