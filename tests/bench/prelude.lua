-- Prepended to every wrk script by run.sh's wrk_run: what the scripts share.

-- GET path?<params>query=<prefix .. q> for each query q in turn, one per
-- request (params: "" or "per_page=10&"; prefix: e.g. "type:ticket ").
function search_cycle(queries, params, prefix)
  local path, i = wrk.path, 0
  local function encode(s)
    return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
  end
  request = function()
    i = i % #queries + 1
    return wrk.format("GET", path .. "?" .. params .. "query=" .. encode(prefix .. queries[i]))
  end
end
