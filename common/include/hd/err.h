/* One error space for the whole suite. Every module returns these codes;
 * nng and LMDB codes are translated once, at the boundary, and never travel
 * up. Thread-safe: the tables are constant. */
#ifndef HD_ERR_H
#define HD_ERR_H

/* X(name, rpc status, message) — the rpc status is the hd.Status value a
 * reply carries (see proto/rpc.proto), so HTTP mapping stays in one place. */
#define HD_ERRNO_MAP(X)                                                        \
	X(OK, 0, "ok")                                                         \
	X(NOTFOUND, 1, "not found")                                            \
	X(INVALID, 2, "invalid argument")                                      \
	X(FORBIDDEN, 3, "forbidden")                                           \
	X(CONFLICT, 4, "conflict")                                             \
	X(UNAVAILABLE, 5, "service unavailable")                               \
	X(INTERNAL, 6, "internal error")                                       \
	X(UNAUTHORIZED, 7, "not authenticated")                                \
	X(TOOBIG, 8, "too large")                                              \
	X(STORAGE_FULL, 9, "storage full")                                     \
	X(NOMEM, 6, "out of memory")                                           \
	X(IO, 6, "input/output error")                                         \
	X(TIMEDOUT, 5, "timed out")                                            \
	X(CLOSED, 5, "shutting down")                                          \
	X(DECODE, 2, "malformed message")                                      \
	X(BEHIND, 10, "behind the source's retention")                         \
	X(CORRUPT, 6, "store corrupt")

typedef enum {
#define HD_ERR_ENUM(name, status, msg) HD_E_##name,
	HD_ERRNO_MAP(HD_ERR_ENUM)
#undef HD_ERR_ENUM
		HD_E__COUNT
} hd_err;

#define HD_OK HD_E_OK

/* Human-readable message for rc; never NULL. */
const char *hd_strerror(int rc);
/* Stable short name ("NOTFOUND"); never NULL. */
const char *hd_errname(int rc);
/* The hd.Status value carried in an RPC reply for rc. */
int hd_err_status(int rc);
/* Inverse of hd_err_status: the error a reply status stands for. */
int hd_err_from_status(int status);
/* Translate an LMDB return code (MDB_SUCCESS → HD_OK). */
int hd_err_from_mdb(int mdb_rc);
/* Translate an nng return code (0 → HD_OK). */
int hd_err_from_nng(int nng_rc);

#endif
