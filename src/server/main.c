/* leadq — leadqd's main(): locale, then the command table (admin.c). */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "leadq/i18n.h"
#include "server/server.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	{
		const char *dir = getenv("LEADQ_LOCALEDIR");

		bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
		bind_textdomain_codeset(PACKAGE, "UTF-8");
		textdomain(PACKAGE);
	}
#endif
	return srv_main(argc, argv);
}
