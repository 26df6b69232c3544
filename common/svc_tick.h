/* The tick jobs of hd_svc_def.ticks: one thread each (svc.c's private
 * part; see hd/svc.h for what a tick row means). */
#ifndef HD_SVC_TICK_H
#define HD_SVC_TICK_H

#include "hd/svc.h"

/* Read each row's period and start its thread. HD_E_INVALID (logged) for a
 * refused period; HD_E_NOMEM when a thread cannot start. Threads started
 * before a failure keep running until hd_svc_ticks_stop(). */
int hd_svc_ticks_start(hd_svc *svc);
/* Stop and join every tick thread; a running job finishes first. Safe when
 * none were started. */
void hd_svc_ticks_stop(hd_svc *svc);

#endif
