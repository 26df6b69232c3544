// The presence report's own strings (js/admin/reports.js, agents).
export default {
  'rep.agents.legend': '상태 범례',
};
