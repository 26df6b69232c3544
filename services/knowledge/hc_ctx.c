/* Where the help center lives in knowledge's context: route handlers get
 * the service's kb and find their part here, so the kb's layout stays the
 * service's business. */
#include "knowledge.h"

hc *hc_of(void *ctx)
{
	return &((kb *)ctx)->hc;
}
