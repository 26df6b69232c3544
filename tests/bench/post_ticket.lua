-- wrk script: create tickets (Korean text), authenticated. Env: HD_AUTH.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"ticket":{"subject":"배송 문의 %d","comment":{"body":"배송이 지연되고 있습니다 %d"},"priority":"high","tags":["bench"]}}', n, n)
  return wrk.format(nil, nil, nil, body)
end
