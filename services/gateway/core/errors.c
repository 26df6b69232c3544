/* Zendesk-style error bodies (API.md §1) and the map from suite errors to
 * HTTP statuses, in one place. */
#include "gateway.h"

#include "hd/err.h"

#include <stdarg.h>
#include <stdio.h>

int gw_error(gw_resp *out, unsigned status, const char *error,
	     const char *description)
{
	out->status = status;
	json_decref(out->body);
	out->body = json_pack("{s:s, s:s}", "error", error, "description",
			      description);
	return HD_E_INVALID;
}

int gw_invalid(gw_resp *out, const char *field, const char *description)
{
	out->status = 422;
	json_decref(out->body);
	out->body = json_pack("{s:s, s:s, s:{s:[{s:s, s:s}]}}", "error",
			      "RecordInvalid", "description",
			      "Record validation errors", "details",
			      field[0] ? field : "base", "description",
			      description, "error", "InvalidValue");
	return HD_E_INVALID;
}

int gw_invalidf(gw_resp *out, const char *field, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return gw_invalid(out, field, msg);
}

int gw_invalid_must(gw_resp *out, const char *field, const char *what)
{
	char msg[160];
	snprintf(msg, sizeof msg, "%s: must be %s", field, what);
	return gw_invalid(out, field, msg);
}

int gw_from_err(gw_resp *out, int rc, const char *what)
{
	switch (rc) {
	case HD_E_NOTFOUND:
		return gw_error(out, 404, "RecordNotFound", "Not found");
	case HD_E_UNAUTHORIZED:
		out->status = 401;
		json_decref(out->body);
		out->body = json_pack("{s:s}", "error",
				      "Couldn't authenticate you");
		return rc;
	case HD_E_FORBIDDEN:
		return gw_error(out, 403, "Forbidden", what);
	case HD_E_INVALID:
		return gw_invalid(out, "base", what);
	case HD_E_TOOBIG:
		return gw_error(out, 413, "RequestTooLarge", what);
	case HD_E_CONFLICT:
		return gw_error(out, 409, "Conflict", what);
	case HD_E_STORAGE_FULL:
		return gw_error(out, 507, "InsufficientStorage", what);
	case HD_E_UNAVAILABLE:
	case HD_E_TIMEDOUT:
	case HD_E_CLOSED:
		/* Every 503 says when to come back (issue 19: fail fast). */
		if (!out->retry_after)
			out->retry_after = 1;
		return gw_error(out, 503, "ServiceUnavailable", what);
	default:
		return gw_error(out, 500, "InternalError", what);
	}
}

int gw_from_rpc(gw_resp *out, int rc, const hd_rpc_result *res)
{
	if (rc) /* transport: the owner is down or slow */
		return gw_from_err(out,
				   rc == HD_E_DECODE ? HD_E_INTERNAL
						     : HD_E_UNAVAILABLE,
				   hd_strerror(rc));
	if (res->rc == HD_E_INVALID || res->rc == HD_E_DECODE)
		return gw_invalid(out, res->field, res->message);
	return gw_from_err(out, res->rc,
			   res->message[0] ? res->message
					   : hd_strerror(res->rc));
}
