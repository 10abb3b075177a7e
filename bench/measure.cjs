'use strict';
// Preloaded into the engine's child process (`node --require bench/measure.cjs dist/drs-auto-retry.cjs`).
// It records the child's own CPU time and peak RSS from inside, when the process ends, so the
// emulator in the parent is never counted. Node has no API for a child's rusage, and
// /usr/bin/time is not guaranteed to exist.
// --require, not --import: --import runs the CJS bundle through the ESM loader, whose
// cjs-module-lexer pass over the bundle (10-20 ms of CPU) no user's run pays.
// process.getBuiltinModule (Node >= 20.16), because the lint rules forbid require().
const { readFileSync, writeFileSync } = process.getBuiltinModule('node:fs');

// performance.now() counts from process start: here it is the cost of booting node itself.
const bootMs = performance.now();

/**
 * Peak RSS of this process's own address space (Linux VmHWM, kB). Not resourceUsage().maxRSS:
 * Linux keeps ru_maxrss across fork and exec, so a child spawned by the benchmark would report
 * the benchmark's own RSS (emulator included) whenever that is larger. Checked: a parent holding
 * 400 MB spawns `node -e` that reports maxRSS 404 MB.
 */
function peakRssKb() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}

process.on('exit', (code) => {
  const cpu = process.cpuUsage();
  const file = process.env.BENCH_MEASURE_FILE;
  if (!file) return;
  writeFileSync(
    file,
    JSON.stringify({
      code,
      bootMs,
      wallMs: performance.now(),
      userMs: cpu.user / 1000,
      systemMs: cpu.system / 1000,
      maxRssKb: peakRssKb(),
    }),
  );
});
