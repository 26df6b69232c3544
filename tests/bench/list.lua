-- wrk script: the first cursor page of 100 tickets (agent, authenticated),
-- alternating the default order and newest first.
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
local path = wrk.path
local i = 0
request = function()
  i = i + 1
  local sort = (i % 2 == 0) and "&sort=-created_at" or ""
  return wrk.format("GET", path .. "?page%5Bsize%5D=100" .. sort)
end
