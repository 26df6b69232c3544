/* Building the SMTP transfer of a mail delivery: render it (when it still
 * waits for its template), build the MIME message and hand libcurl the
 * envelope (the brand's sender, else HD_MAIL_FROM → the recipient) and the bytes to upload. */
#include "deliver.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t read_payload(char *buf, size_t size, size_t n, void *arg)
{
	notify_xfer *x = arg;
	size_t room = size * n, left = x->payload_len - x->payload_off;
	size_t take = left < room ? left : room;
	memcpy(buf, x->payload + x->payload_off, take);
	x->payload_off += take;
	return take;
}

int notify_smtp_setup(notify *n, hd_txn *t, notify_xfer *x)
{
	char addr[300];
	int rc = HD_OK;
	if (x->d->template_[0])
		rc = notify_mail_render(n, t, x->d);
	if (!rc)
		rc = notify_mime_build(n, x->d, &x->payload, &x->payload_len);
	if (rc)
		return rc;
	snprintf(addr, sizeof addr, "<%s>", x->d->mail_to);
	x->rcpt = curl_slist_append(NULL, addr);
	if (!x->rcpt)
		return HD_E_NOMEM;
	snprintf(addr, sizeof addr, "<%s>",
		 x->d->mail_from[0] ? x->d->mail_from : n->cfg.mail_from);
	curl_easy_setopt(x->easy, CURLOPT_URL, n->cfg.smtp_url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(x->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(x->easy, CURLOPT_INFILESIZE_LARGE,
			 (curl_off_t)x->payload_len);
	curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(x->easy, CURLOPT_READDATA, x);
	if (n->cfg.smtp_starttls)
		curl_easy_setopt(x->easy, CURLOPT_USE_SSL,
				 (long)CURLUSESSL_ALL);
	if (n->cfg.smtp_user[0]) {
		curl_easy_setopt(x->easy, CURLOPT_USERNAME, n->cfg.smtp_user);
		curl_easy_setopt(x->easy, CURLOPT_PASSWORD,
				 n->cfg.smtp_password);
	}
	notify_url_host(n->cfg.smtp_url, x->host, sizeof x->host);
	return HD_OK;
}
