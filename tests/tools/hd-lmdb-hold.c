/* hd-lmdb-hold: hold the write lock of an LMDB environment from another
 * process, so a service's writer really blocks (tests of /healthz, see
 * common/liveness.c). Prints "held" once the write transaction is open,
 * then waits until stdin closes or gives a line, aborts it and exits 0.
 * usage: hd-lmdb-hold DATA_DIR */
#include <lmdb.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: hd-lmdb-hold DATA_DIR\n");
		return 2;
	}
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	int rc = mdb_env_create(&env);
	if (!rc)
		rc = mdb_env_set_maxdbs(env, 256);
	if (!rc)
		rc = mdb_env_set_maxreaders(env, 512);
	if (!rc)
		rc = mdb_env_open(env, argv[1], MDB_NOTLS, 0600);
	if (!rc)
		rc = mdb_txn_begin(env, NULL, 0, &txn);
	if (rc) {
		fprintf(stderr, "hd-lmdb-hold: %s: %s\n", argv[1],
			mdb_strerror(rc));
		mdb_env_close(env);
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	char line[64];
	(void)fgets(line, sizeof line, stdin);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	printf("released\n");
	fflush(stdout);
	return 0;
}
