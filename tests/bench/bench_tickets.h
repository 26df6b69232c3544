/* Synthetic Korean support tickets for the bench: deterministic in n, with a
 * subject and comment drawn from a support vocabulary (so a free-text query
 * matches a few percent of tickets, not all) and one of BT_TAGS tags. */
#ifndef HD_BENCH_TICKETS_H
#define HD_BENCH_TICKETS_H

#include "hd/buf.h"

#include <stdint.h>

#define BT_TAGS 50

/* Append {"ticket":{…}} for ticket number n to b. HD_OK or hd_buf's error. */
int bt_ticket_json(hd_buf *b, uint64_t n);

#endif
