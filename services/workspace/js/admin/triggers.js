// Settings › Triggers (see rules.js; the editor adds the ticket preview).
import { renderKind } from './rules.js';

export const render = (body, ctx) => renderKind('trigger', body, ctx);
