/* The first start with an empty directory creates an admin, so the suite is
 * usable from the first minute. A generated token is saved readable only by
 * the owner and never logged (service logs are collected and shipped); make
 * run shows it on the terminal from the saved file. */
#include "users.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/text.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct boot_job {
	intake *in;
	Hd__User *admin;
	const char *token;
	int created;
} boot_job;

static int boot_write(hd_txn *t, void *arg)
{
	boot_job *j = arg;
	const intake *in = j->in;
	uint64_t id;
	int rc = intake_user_by_email(in, t, j->admin->email, &id);
	if (rc == HD_OK)
		return HD_OK; /* already bootstrapped */
	if (rc != HD_E_NOTFOUND)
		return rc;
	if (!intake_users_empty(in, t))
		return HD_OK; /* a directory with users: not empty */
	if ((rc = intake_next_id(t, j->in, "next_user", &j->admin->id)))
		return rc;
	j->admin->created_at = j->admin->updated_at = hd_now_ms();
	intake_user_put(in, t, j->admin);
	/* Consumers learn every user from events, the first admin included
	 * (notifications needs its role to know an agent replied). */
	hd_txn_emit_pb(t, "user.created", j->admin, NULL);
	Hd__ApiToken rec = HD__API_TOKEN__INIT;
	rec.description = "bootstrap (HD_ADMIN_TOKEN)";
	rec.created_at = j->admin->created_at;
	rec.user_id = j->admin->id;
	intake_token_put(t, j->in, j->token, &rec);
	j->created = t->rc == HD_OK;
	return t->rc;
}

static void generate_token(char *out, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
				       "nopqrstuvwxyz0123456789";
	for (size_t i = 0; i + 1 < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[n - 1] = '\0';
}

static int save_credentials(const char *data_dir, const char *email,
			    const char *token)
{
	char path[1024], body[1024];
	snprintf(path, sizeof path, "%s/admin-credentials", data_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return HD_E_IO;
	int n = snprintf(body, sizeof body, "email=%s\ntoken=%s\n", email,
			 token);
	ssize_t w = write(fd, body, (size_t)n);
	int rc = (w == n && fsync(fd) == 0) ? HD_OK : HD_E_IO;
	close(fd);
	hd_info("bootstrap.credentials_saved", "path=%s mode=0600", path);
	return rc;
}

int intake_bootstrap_admin(intake *in, const char *email, const char *token,
			   const char *data_dir)
{
	char lower[256], generated[41];
	if (!hd_email_plausible(email) ||
	    !hd_ascii_lower(email, lower, sizeof lower)) {
		hd_error("config.invalid", "var=HD_ADMIN_EMAIL value=\"%s\"",
			 email);
		hd_cfg_refuse();
		return HD_E_INVALID;
	}
	if (!token[0]) {
		generate_token(generated, sizeof generated);
		token = generated;
	}
	Hd__User u = HD__USER__INIT;
	u.name = "Admin";
	u.email = lower;
	u.role = "admin";
	u.locale = "ko";
	u.time_zone = "Asia/Seoul";
	u.verified = true;
	boot_job j = {.in = in, .admin = &u, .token = token};
	int rc = hd_store_write(in->store, boot_write, &j);
	if (rc || !j.created)
		return rc;
	if (token == generated) {
		int src = save_credentials(data_dir, lower, token);
		sodium_memzero(generated, sizeof generated);
		hd_info("bootstrap.admin_created",
			"email=%s token=(generated; in %s/admin-credentials)",
			lower, data_dir);
		return src;
	}
	hd_info("bootstrap.admin_created",
		"email=%s token=(from HD_ADMIN_TOKEN)", lower);
	return HD_OK;
}
