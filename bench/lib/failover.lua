-- wrk script for bench/failover.ts: buckets every response per 100 ms of wall-clock time by
-- status and by which target answered (the targets answer `GET /` with "hello from backend-N"),
-- and records the gaps between successive successful responses.
--
-- wrk 4.1's thread:get() segfaults when it copies a table between Lua states, so each
-- thread keeps its results in strings and numbers only: a finished 100 ms bucket is
-- appended to `out` as soon as the next one starts. The bucket open when the run ends is
-- not reported (wrk's own summary has the totals).
--
-- Output (from done(), after wrk's report), per thread:
--   @@bucket <epoch ms / 100> <status> <target or -> <count>
--   @@gap <epoch ms when the gap ended> <gap ms>          (gaps >= 20 ms)
--   @@maxgap <gap ms> <epoch ms when it ended>
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } failover_timeval;
int gettimeofday(failover_timeval *tv, void *tz);
]]
local tv = ffi.new("failover_timeval")

local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- per thread (each thread has its own Lua state)
out = ""
gaps = ""
max_gap = 0
max_gap_at = 0
local current = -1
local counts = {}
local last_ok = nil

local function flush()
  local lines = {}
  for key, n in pairs(counts) do
    lines[#lines + 1] = "@@bucket " .. string.format("%d", current) .. " " .. key .. " " .. n .. "\n"
  end
  out = out .. table.concat(lines)
  counts = {}
end

function response(status, headers, body)
  local t = now_ms()
  local b = math.floor(t / 100)
  if b ~= current then
    if current >= 0 then flush() end
    current = b
  end
  local who = body:match("^hello from (%S+)") or "-"
  local key = status .. " " .. who
  counts[key] = (counts[key] or 0) + 1
  if status >= 200 and status < 300 then
    if last_ok ~= nil then
      local gap = t - last_ok
      if gap >= 20 then gaps = gaps .. string.format("@@gap %d %.1f\n", t, gap) end
      if gap > max_gap then
        max_gap = gap
        max_gap_at = t
      end
    end
    last_ok = t
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write(thread:get("out"), thread:get("gaps"))
    io.write(string.format("@@maxgap %.1f %d\n", thread:get("max_gap"), thread:get("max_gap_at")))
  end
end
