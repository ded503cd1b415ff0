-- wrk script of bench_throughput.py: sends requests prepared in a file, each
-- once. wrk's Lua has no HMAC, so the benchmark signs every webhook up front
-- (a fresh Idempotency-Key, timestamp and signature per request) and writes
-- one request per line: path, body, then "Name: value" headers, separated by
-- tabs. Each wrk thread takes every n-th line (a request is never sent
-- twice: a second one would be answered as a duplicate); a thread that runs
-- out of lines starts over and its repeats show as statuses other than 202.
--
--   wrk -t2 -c8 -d10s -s bench/wrk_requests.lua http://127.0.0.1:8069 -- FILE 2
--
-- (the last argument: wrk's thread count, -t).
--
-- done() prints one line "BENCH-WRK {json}" with the requests, the duration,
-- the latency percentiles (ms) and the count of each status.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("number", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  requests, position, statuses = {}, 0, {}
  local total, line_number = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    if line_number % total == number then
      local fields = split(line)
      local headers = {}
      for i = 3, #fields do
        local name, value = fields[i]:match("^([^:]+): (.*)$")
        headers[name] = value
      end
      table.insert(requests, wrk.format("POST", fields[1], headers, fields[2]))
    end
    line_number = line_number + 1
  end
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
  local counts = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, count in pairs(seen) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  io.write(string.format(
    'BENCH-WRK {"requests": %d, "duration_s": %.3f, "errors": %d, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "statuses": {%s}}\n',
    summary.requests,
    summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    table.concat(parts, ", ")
  ))
end
