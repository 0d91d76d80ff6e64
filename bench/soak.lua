-- Soak mix for wrk: GETs of the demo greeting and POSTs of a 4 KiB body that the demo upstream echoes back.
-- Any status other than 200 is counted (wrk's own "Non-2xx" line covers only 4xx/5xx).
local body = string.rep("x", 4096)
local n = 0
local bad = 0

request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("POST", "/anything", { ["Content-Type"] = "application/octet-stream" }, body)
  end
  return wrk.format("GET", "/")
end

response = function(status, headers, response_body)
  if status ~= 200 then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("soak: requests=%d non200=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
