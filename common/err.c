/* The error table: one list, three views of it. */
#include "hd/err.h"

#include <errno.h>
#include <lmdb.h>
#include <nng/nng.h>

static const char *const messages[] = {
#define HD_ERR_MSG(name, status, msg) [HD_E_##name] = msg,
	HD_ERRNO_MAP(HD_ERR_MSG)
#undef HD_ERR_MSG
};

static const char *const names[] = {
#define HD_ERR_NAME(name, status, msg) [HD_E_##name] = #name,
	HD_ERRNO_MAP(HD_ERR_NAME)
#undef HD_ERR_NAME
};

static const int statuses[] = {
#define HD_ERR_STATUS(name, status, msg) [HD_E_##name] = status,
	HD_ERRNO_MAP(HD_ERR_STATUS)
#undef HD_ERR_STATUS
};

static int in_range(int rc)
{
	return rc >= 0 && rc < HD_E__COUNT;
}

const char *hd_strerror(int rc)
{
	return in_range(rc) ? messages[rc] : "unknown error";
}

const char *hd_errname(int rc)
{
	return in_range(rc) ? names[rc] : "UNKNOWN";
}

int hd_err_status(int rc)
{
	return in_range(rc) ? statuses[rc] : 6;
}

int hd_err_from_status(int status)
{
	/* The first code in the table with that status is its canonical one. */
	for (int rc = 0; rc < HD_E__COUNT; rc++)
		if (statuses[rc] == status)
			return rc;
	return HD_E_INTERNAL;
}

int hd_err_from_mdb(int mdb_rc)
{
	switch (mdb_rc) {
	case MDB_SUCCESS:
		return HD_OK;
	case MDB_NOTFOUND:
		return HD_E_NOTFOUND;
	case MDB_KEYEXIST:
		return HD_E_CONFLICT;
	case MDB_MAP_FULL:
	case ENOSPC:
		return HD_E_STORAGE_FULL;
	case ENOMEM:
		return HD_E_NOMEM;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		return HD_E_CORRUPT;
	case MDB_BAD_VALSIZE:
		return HD_E_TOOBIG;
	case EIO:
		return HD_E_IO;
	default:
		return HD_E_INTERNAL;
	}
}

int hd_err_from_nng(int nng_rc)
{
	switch (nng_rc) {
	case 0:
		return HD_OK;
	case NNG_ENOMEM:
		return HD_E_NOMEM;
	case NNG_ETIMEDOUT:
		return HD_E_TIMEDOUT;
	case NNG_ECLOSED:
	case NNG_ECANCELED:
		return HD_E_CLOSED;
	case NNG_EINVAL:
	case NNG_EADDRINVAL:
		return HD_E_INVALID;
	case NNG_EMSGSIZE:
		return HD_E_TOOBIG;
	case NNG_ECONNREFUSED:
	case NNG_ECONNRESET:
	case NNG_ECONNSHUT:
	case NNG_EAGAIN:
	case NNG_ESTATE:
		return HD_E_UNAVAILABLE;
	default:
		return HD_E_INTERNAL;
	}
}
