-- wrk script for HeadlessShop benchmarks: sends the request in $BODY_FILE (POST) or GETs $GET_PATH, counts
-- responses that carry GraphQL "errors", and prints one machine-readable RESULT line that the harness parses.
local get_path = os.getenv("GET_PATH")
if get_path and #get_path > 0 then
  wrk.method = "GET"
  wrk.path = get_path
  wrk.headers["Accept"] = "application/graphql-response+json, application/json"
else
  local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
  -- VARY_TOKEN: every request replaces the token in the body with the next number from VARY_START (never repeated).
  local token = os.getenv("VARY_TOKEN")
  if token and #token > 0 then
    local template = wrk.body
    local next_number = tonumber(os.getenv("VARY_START") or "0")
    local pattern = token:gsub("%W", "%%%0")
    function request()
      next_number = next_number + 1
      local body = template:gsub(pattern, string.format("%d", next_number))
      return wrk.format(nil, nil, nil, body)
    end
  end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

graphql_errors = 0
function response(status, headers, body)
  if body and body:find('"errors"', 1, true) then graphql_errors = graphql_errors + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  local g = 0
  for _, t in ipairs(threads) do g = g + (t:get("graphql_errors") or 0) end
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d err_graphql=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout, g))
end
