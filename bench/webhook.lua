-- wrk script: replay pre-signed Twilio webhook requests (one distinct MessageSid each) from a file.
local requests = {}
local index = 0

function init(args)
  local path = os.getenv("BENCH_REQUESTS")
  local thread_count = tonumber(os.getenv("BENCH_THREADS") or "2")
  local n = 0
  for line in io.lines(path) do
    n = n + 1
    -- each thread takes every thread_count-th line, so no two threads send the same message
    if (n % thread_count) == tid then
      local sep = string.find(line, "\t", 1, true)
      table.insert(requests, { sig = string.sub(line, 1, sep - 1), body = string.sub(line, sep + 1) })
    end
  end
end

function request()
  index = index + 1
  local r = requests[((index - 1) % #requests) + 1]
  return wrk.format("POST", "/v1/hooks/sms", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = r.sig,
  }, r.body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d duration_s=%.2f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end

local threads_seen = 0
function setup(thread)
  thread:set("tid", threads_seen)
  threads_seen = threads_seen + 1
end
