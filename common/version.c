/* Build identity; see hd/version.h. hd_version_gen.h is written by the
 * Makefile (only when its content changes, so a rebuild stays small). */
#include "hd/version.h"

#include "hd/err.h"
#include "hd/prom.h"
#include "hd_version_gen.h"

#include <stdio.h>

const char *hd_version(void)
{
	return HD_BUILD_VERSION;
}

const char *hd_version_commit(void)
{
	return HD_BUILD_COMMIT;
}

const char *hd_version_build(void)
{
	return HD_BUILD_MODE ", " HD_BUILD_CC ", " HD_BUILD_DATE;
}

void hd_version_print(const char *prog)
{
	printf("%s %s (commit %s; %s)\n", prog, hd_version(),
	       hd_version_commit(), hd_version_build());
}

int hd_version_metrics(hd_buf *out)
{
	int rc = hd_prom_family(out, "hd_build_info", "gauge",
				"The running build, as labels; always 1.");
	if (rc == HD_OK) {
		rc = hd_buf_printf(out, "hd_build_info{version=\"");
		hd_prom_label_value(out, hd_version());
		hd_buf_printf(out, "\",commit=\"");
		hd_prom_label_value(out, hd_version_commit());
		rc = hd_buf_printf(out, "\",mode=\"%s\"} 1\n", HD_BUILD_MODE);
	}
	return rc;
}
