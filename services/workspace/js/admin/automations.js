// Settings › Automations (see rules.js; time conditions are offered).
import { renderKind } from './rules.js';

export const render = (body, ctx) => renderKind('automation', body, ctx);
