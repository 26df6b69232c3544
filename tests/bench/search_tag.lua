-- wrk script: ticket searches by tag (agent, authenticated), cycling through
-- the bench loader's tags bench_00 … bench_49 (each on about 2 % of tickets).
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
local path = wrk.path
local i = 0
request = function()
  i = i % 50 + 1
  return wrk.format("GET", string.format("%s?query=type%%3Aticket%%20tags%%3Abench_%02d", path, i - 1))
end
