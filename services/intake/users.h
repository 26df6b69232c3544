/* intake's users module, internal interface (users.c, users_store.c,
 * bootstrap.c). */
#ifndef INTAKE_USERS_H
#define INTAKE_USERS_H

#include "intake.h"

int intake_user_put(hd_txn *t, const Hd__User *u);
int intake_user_get(hd_txn *t, uint64_t id, Hd__User **out);
int intake_user_by_email(hd_txn *t, const char *email_lower, uint64_t *id);
int intake_token_put(hd_txn *t, const char *token, uint64_t creator);
int intake_token_known(hd_txn *t, const char *token);
/* True when the users table has no entry. */
bool intake_users_empty(hd_txn *t);

/* bootstrap.c: the first admin on an empty directory */
int intake_bootstrap_admin(intake *in, const char *email, const char *token,
			   const char *data_dir);

#endif
