-- wrk script: the first cursor page of 100 tickets (agent, authenticated).
-- LIST_SORT (e.g. -created_at) picks the order; unset: the default (id).
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
local sort = os.getenv("LIST_SORT")
local path = wrk.path .. "?page%5Bsize%5D=100" .. (sort and ("&sort=" .. sort) or "")
request = function()
  return wrk.format("GET", path)
end
