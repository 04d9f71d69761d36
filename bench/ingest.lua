-- wrk script: POST a distinct complaint each request to /v1/messages, and print latency percentiles.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
local token = os.getenv("BENCH_TOKEN") or ""
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }

function request()
  counter = counter + 1
  local body = string.format(
    '{"external_id":"bench-%d-%d","sender":{"name":"Customer %d","email":"c%d@example.com"},"subject":"Late delivery","body":"My order has not arrived and this is the third time I ask. Please call me.","conversation":"c%d"}',
    tid, counter, counter % 5000, counter % 5000, counter % 5000)
  return wrk.format("POST", "/v1/messages", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d duration_s=%.2f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
