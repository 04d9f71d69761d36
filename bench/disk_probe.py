#!/usr/bin/env python3
"""Measures this disk's fdatasync latency for a few seconds, so a benchmark's tail latency can be read
against what the disk itself did in the same run. Usage: disk_probe.py DIR [seconds]"""
import os, sys, tempfile, time

directory = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5
fd, path = tempfile.mkstemp(dir=directory, prefix="disk-probe-")
try:
    samples, start, block = [], time.perf_counter(), b"x" * 8192
    while time.perf_counter() - start < seconds:
        os.pwrite(fd, block, (len(samples) % 512) * 8192)
        began = time.perf_counter()
        os.fdatasync(fd)
        samples.append((time.perf_counter() - began) * 1000)
finally:
    os.close(fd)
    os.unlink(path)
stalls = [s for s in samples if s > 20]
samples.sort()
n = len(samples)
print(f"  disk, same run: {n:,} fdatasyncs in {seconds:.0f} s: p50 {samples[n // 2]:.2f} ms  p99 {samples[int(n * 0.99)]:.2f} ms  "
      f"max {samples[-1]:.1f} ms; stalls over 20 ms: {len(stalls)}, {sum(stalls):.0f} ms in all")
