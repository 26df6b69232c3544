-- wrk script: the first offset page of 25 of a ticket list, with its count
-- (agent, authenticated): /tickets, or the path given (a requester's list).
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
local path = wrk.path .. "?per_page=25"
request = function()
  return wrk.format("GET", path)
end
