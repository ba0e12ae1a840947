#!/usr/bin/env node
// The README's `npm test`: the type check, then every suite. The suites are four independent
// streams, each with its own management cluster(s), chart repository and ports: the unit and
// integration projects, the fault project, and the shim on the newest Magnum and on 2025.1.
// Run one after another they spend most of their time waiting on helm, the API server and
// Magnum's jobs, so they run side by side; each stream's output is printed whole when it ends,
// so logs never interleave. `--serial` runs them one after another (a machine already busy).
// The last line totals every stream's tests; the exit status is non-zero if any stream failed.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serial = process.argv.includes('--serial');
const work = mkdtempSync(join(tmpdir(), 'mcs-test-'));
const vitest = join(root, 'node_modules/.bin/vitest');

/** name, argv, extra environment, and where its machine-readable counts land. */
const streams = [
  { name: 'unit + integration', argv: [vitest, 'run', '--project', 'unit', '--project', 'integration', ...jsonReport('vitest-main')], report: 'vitest-main' },
  { name: 'faults', argv: [vitest, 'run', '--project', 'faults', ...jsonReport('vitest-faults')], report: 'vitest-faults' },
  { name: 'shim, Magnum 23.0.0', argv: ['bash', 'shim/run-tests.sh'], env: { MAGNUM_VERSION: '23.0.0' } },
  { name: 'shim, Magnum 20.0.2', argv: ['bash', 'shim/run-tests.sh'], env: { MAGNUM_VERSION: '20.0.2' } },
];

function jsonReport(name) {
  return ['--reporter=default', '--reporter=json', `--outputFile.json=${join(work, `${name}.json`)}`];
}

const typecheck = spawnSync('npm', ['run', '--silent', 'typecheck'], { cwd: root, stdio: 'inherit' });
if (typecheck.status !== 0) process.exit(typecheck.status ?? 1);

function run(stream) {
  const log = join(work, `${stream.name.replace(/\W+/g, '-')}.log`);
  const out = createWriteStream(log);
  const started = Date.now();
  return new Promise((resolve) => {
    out.on('open', () => {
      const [cmd, ...args] = stream.argv;
      const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...stream.env }, stdio: ['ignore', out, out] });
      child.on('close', (code, signal) => {
        out.close();
        const result = { ...stream, log, code: code ?? 1, signal, seconds: Math.round((Date.now() - started) / 1000) };
        process.stdout.write(`\n== ${stream.name}: exit ${result.code}${signal ? ` (${signal})` : ''} in ${result.seconds}s\n`);
        process.stdout.write(readFileSync(log, 'utf8'));
        resolve(result);
      });
    });
  });
}

/** Counts of one stream: vitest's JSON report, or the closing lines pytest printed. */
function counts(result) {
  const c = { passed: 0, failed: 0, skipped: 0 };
  if (result.report) {
    const file = join(work, `${result.report}.json`);
    if (!existsSync(file)) return c;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
  }
  for (const line of readFileSync(result.log, 'utf8').split('\n')) {
    // pytest's closing line: "105 passed, 2 skipped, 43 warnings, 40 subtests passed in 254.11s".
    // Subtests run inside tests already counted.
    const closing = /^=*\s*(\d+ \w+.*) in [\d.]+s/.exec(line);
    if (!closing) continue;
    for (const [, n, subtests, word] of closing[1].matchAll(/(\d+) (subtests )?(\w+)/g)) {
      if (subtests) continue;
      if (word === 'passed' || word === 'xpassed') c.passed += Number(n);
      else if (word === 'skipped' || word === 'xfailed' || word === 'deselected') c.skipped += Number(n);
      else if (word === 'failed' || word.startsWith('error')) c.failed += Number(n);
    }
  }
  return c;
}

const results = [];
if (serial) for (const s of streams) results.push(await run(s));
else results.push(...(await Promise.all(streams.map(run))));

const total = { passed: 0, failed: 0, skipped: 0 };
process.stdout.write('\n== summary\n');
for (const r of results) {
  const c = counts(r);
  for (const k of Object.keys(total)) total[k] += c[k];
  process.stdout.write(`${r.name}: exit ${r.code}, ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped, ${r.seconds}s\n`);
}
rmSync(work, { recursive: true, force: true });
const failedStreams = results.filter((r) => r.code !== 0).map((r) => r.name);
if (failedStreams.length > 0) process.stdout.write(`streams that failed: ${failedStreams.join('; ')}\n`);
process.stdout.write(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(failedStreams.length > 0 ? 1 : 0);
