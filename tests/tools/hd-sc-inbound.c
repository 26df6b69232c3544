/* hd-sc-inbound: hand one e-mail reply to notifications'
 * side_conversations.inbound RPC, as intake's e-mail channel does, for tests
 * run before that channel exists.
 * usage: hd-sc-inbound RPC_URL SC_ID TICKET_ID FROM MESSAGE_ID SUBJECT BODY
 * Exit 0 when the reply was accepted; prints the error otherwise. */
#include "hd/cfg.h"
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/rpc.h"

#include "mail.pb-c.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	Hd__SideConversationInbound in = HD__SIDE_CONVERSATION_INBOUND__INIT;
	if (argc != 8 || hd_parse_u64(argv[2], &in.side_conversation_id) ||
	    hd_parse_u64(argv[3], &in.ticket_id)) {
		fprintf(stderr,
			"usage: %s URL SC_ID TICKET_ID FROM MESSAGE_ID SUBJECT "
			"BODY\n",
			argv[0]);
		return 2;
	}
	if (hd_cluster_key_load_env(argv[0]))
		return 1;
	in.from_email = argv[4];
	in.message_id = argv[5];
	in.subject = argv[6];
	in.body = argv[7];
	hd_buf b;
	hd_buf_init(&b, 1 << 20);
	hd_rpc_client *c = NULL;
	hd_rpc_result res = {0};
	hd_principal who = {0};
	who.role = HD__USER_ROLE__ROLE_SYSTEM;
	int rc = hd_pb_pack(&b, &in);
	if (!rc)
		rc = hd_rpc_client_open(&c, argv[1]);
	if (!rc)
		rc = hd_rpc_call(c, "side_conversations.inbound", b.data, b.len,
				 &who, "sc-inbound", 5000, &res);
	if (!rc && res.rc != HD_E_CONFLICT) /* CONFLICT: already there */
		rc = res.rc;
	if (rc)
		fprintf(stderr, "error: %s %s\n", hd_errname(rc), res.message);
	hd_rpc_result_release(&res);
	hd_rpc_client_close(c);
	hd_buf_release(&b);
	return rc ? 1 : 0;
}
