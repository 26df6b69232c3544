/* The e-mail MIME path (intake mail_parse + the loop filter + reply
 * trimming + subject tokens) on arbitrary bytes. Every message parses or is
 * refused with a reason; a parsed message has UTF-8 text. */
#include "fuzz.h"
#include "hd/err.h"
#include "hd/text.h"
#include "mail.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		mail_init();
		ready = true;
	}
	intake_mail m;
	char why[256] = "";
	int rc = mail_parse(data, size, &m, why, sizeof why);
	if (rc == HD_OK) {
		if (!hd_utf8_valid(m.subject, strlen(m.subject)) ||
		    !hd_utf8_valid(m.body, strlen(m.body)))
			abort();
		mail_ignore_reason(&m, "support@hana.local");
		mail_trim_reply(m.body, strlen(m.body));
		mail_subject_ticket(m.subject);
		mail_release(&m);
	} else if (!why[0]) {
		abort(); /* a refused message must carry its reason */
	}
	char *subject = mail_peek_subject(data, size);
	free(subject);
	return 0;
}
