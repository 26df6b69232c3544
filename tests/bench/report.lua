-- Appended to every wrk script: print one machine-readable line.
done = function(summary, latency, requests)
  local rps = summary.requests / (summary.duration / 1e6)
  io.write(string.format("BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    rps, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
