-- wrk script shared by every pmo-api benchmark scenario.
--
--   wrk -s bench/wrk/scenario.lua URL                      -- every request GETs URL's path
--   wrk -s bench/wrk/scenario.lua URL -- IDS_FILE PREFIX   -- GET PREFIX .. <random id>
--
-- IDS_FILE holds one id per line; each request picks one uniformly at random (fixed seed, so
-- both apps see the same sequence). Headers given with -H (e.g. Authorization) are sent too.
-- When the run ends, done() prints one line "BENCH_JSON {...}" that bench/http_load.py parses
-- (times in microseconds).

local ids = {}
local count = 0
local prefix = ""

function init(args)
   if args[1] == nil then
      request = nil -- no ids: wrk sends its one pre-built request (static, fastest)
      return
   end
   for line in io.lines(args[1]) do
      if line ~= "" then
         count = count + 1
         ids[count] = line
      end
   end
   if count == 0 then
      error("no ids in " .. args[1])
   end
   prefix = args[2] or ""
   math.randomseed(20261122)
end

function request()
   return wrk.format(nil, prefix .. ids[math.random(count)])
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p99_9":%d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9)))
end
