-- wrk script: structured ticket searches (agent, authenticated). SEARCH_KIND
-- picks the family: "common" (Korean words in every ticket), "status" (status filters), "assignee" (assignee
-- filters) or "combo" (a Korean common word with both). The bench's tickets
-- are all new and unassigned, so most of these match every ticket: the
-- worst case for a count, which is exact.
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
local families = {
  common = {"문의", "확인", "부탁드립니다"}, -- in every bench ticket
  status = {"status:new", "status<solved", "priority:high", "status:open"},
  assignee = {"assignee:none", "assignee:me", "-assignee:none"},
  combo = {"문의 status:new assignee:none", "환불 status<solved", "배송 status:new -assignee:me",
           "문의 priority:high assignee:none"},
}
local queries = families[os.getenv("SEARCH_KIND") or "status"]
search_cycle(queries, "per_page=25&", "")
