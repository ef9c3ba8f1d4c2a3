/* stub: to be written */
#include "config.h"
