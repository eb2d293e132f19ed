-- wrk script for scripts/bench/loadtest.sh: POSTs the photo named by $PHOTO to /cartoonify and counts responses
-- by status (wrk itself only counts "non-2xx"). Prints one `RESULT key=value ...` line.
local file = assert(io.open(os.getenv("PHOTO"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "image/jpeg"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

-- Globals of each thread's own Lua state, read back in done() with thread:get().
function init(args)
    counts = {}
end

function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("counts")) do
            total[status] = (total[status] or 0) + n
        end
    end
    local seconds = summary.duration / 1e6
    local line = string.format("RESULT seconds=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f ok_per_s=%.2f",
        seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, (total[200] or 0) / seconds)
    for status, n in pairs(total) do
        line = line .. string.format(" status_%d=%d", status, n)
    end
    local e = summary.errors
    line = line .. string.format(" connect_errors=%d read_errors=%d write_errors=%d timeouts=%d",
        e.connect, e.read, e.write, e.timeout)
    print(line)
end
