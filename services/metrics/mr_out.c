/* A report's typed rows (proto/reports.proto) are built in one
 * ReportReply whose every part is malloc'd, so free_unpacked releases it:
 * mr_push appends a row, mr_str copies a string, mr_report_head fills what
 * the report covered. The gateway renders the JSON and the CSV. */
#include "mr.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

char *mr_str(const char *s)
{
	return strdup(s ? s : "");
}

void *mr_push(void *arr, size_t *n, size_t size)
{
	void ***a = arr;
	if ((*n & (*n - 1)) == 0) { /* 0 or a power of two: full */
		void **p = realloc(*a, (*n ? *n * 2 : 1) * sizeof *p);
		if (!p)
			return NULL;
		*a = p;
	}
	void *item = calloc(1, size);
	if (item)
		(*a)[(*n)++] = item;
	return item;
}

int mr_report_head(Hd__ReportReply *r, const char *name, const mr_filter *f)
{
	r->start_ms = f->start;
	r->end_ms = f->end;
	r->group_id = f->group;
	r->agent_id = f->agent;
	if (!(r->name = mr_str(name)) ||
	    !(r->channel =
		      mr_str(f->channel ? mr_channel_name(f->channel) : "")) ||
	    !(r->tag = mr_str(f->tag_text)) ||
	    !(r->interval = mr_str(f->interval)) ||
	    /* The zone of mr_bucket's days (mr_zone.c). */
	    !(r->time_zone = mr_str(mr_zone_name())))
		return HD_E_NOMEM;
	return HD_OK;
}
