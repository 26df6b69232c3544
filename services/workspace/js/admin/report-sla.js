// Reports: the sla family (js/admin/reports.js has its reports and charts).
import { family } from './reports.js';

export const render = family('sla');
