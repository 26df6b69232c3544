// The presence report's own strings (js/admin/reports.js, agents).
export default {
  'rep.agents.legend': 'Legend: presence states',
};
