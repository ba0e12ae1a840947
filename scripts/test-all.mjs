#!/usr/bin/env node
// The README's `npm test`: the type check and every suite, in seven independent streams, each with
// its own management cluster(s), chart repository and ports: the type check, then the unit tests;
// the integration project in two (the cluster lifecycles, and the rest); the fault project; the
// status suites again on the newest Cluster API line; and the shim on the newest Magnum and on 2025.1.
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

/**
 * The newest Cluster API line whose real controllers the status suites also run against (scripts/mgmt-cluster/build.sh
 * names it), under one helm: the line every suite uses runs them under both.
 */
const NEWEST_CAPI = { MCS_CAPI_VERSION: 'newest', MCS_TEST_HELM: 'helm 4' };
const STATUS_SUITES = ['test/integration/status.test.ts', 'test/integration/status-trust.test.ts', 'test/integration/real-capi.test.ts'];
/**
 * The integration files that wait longest on the real controllers, in a stream (and a management cluster) of
 * their own, so the run lasts about as long as its longest stream; with them the adoption of magnum-capi-helm's
 * clusters and the preview, which evened the two streams (the rest had run 200 s alone at the end). A third
 * stream was tried: on two cores, already busy, the run took as long, with one more management cluster.
 */
const LIFECYCLE_SUITES = [
  ...STATUS_SUITES,
  'test/integration/chart-versions.test.ts',
  'test/integration/replicas.test.ts',
  'test/integration/parity/adoption.test.ts',
  'test/integration/diff.test.ts',
];

/**
 * Each stream is steps run one after another (each step: argv, extra environment, and where
 * vitest writes its counts; pytest's are read from its closing lines). The unit tests have a
 * stream of their own: given both projects in one run, vitest began the first integration file
 * only after the last unit file, six minutes in.
 */
const streams = [
  {
    name: 'type check, then unit',
    steps: [
      { argv: ['npm', 'run', '--silent', 'typecheck'] },
      { argv: [vitest, 'run', '--project', 'unit', ...jsonReport('vitest-unit')], report: 'vitest-unit' },
    ],
  },
  { name: 'integration', steps: [{ argv: [vitest, 'run', '--project', 'integration', ...LIFECYCLE_SUITES.flatMap((f) => ['--exclude', f]), ...jsonReport('vitest-integration')], report: 'vitest-integration' }] },
  { name: 'integration: cluster lifecycles', steps: [{ argv: [vitest, 'run', '--project', 'integration', ...LIFECYCLE_SUITES, ...jsonReport('vitest-lifecycles')], report: 'vitest-lifecycles' }] },
  { name: 'faults', steps: [{ argv: [vitest, 'run', '--project', 'faults', ...jsonReport('vitest-faults')], report: 'vitest-faults' }] },
  {
    name: 'the status suites on the newest Cluster API line (helm 4)',
    // Without the packaged charts these suites skip anyway: the managers of that line are not built for nothing.
    steps: [{ argv: [vitest, 'run', '--project', 'integration', ...STATUS_SUITES, ...jsonReport('vitest-newest-capi')], env: NEWEST_CAPI, report: 'vitest-newest-capi', needsCharts: true }],
  },
  { name: 'shim, Magnum 23.0.0', steps: [{ argv: ['bash', 'shim/run-tests.sh'], env: { MAGNUM_VERSION: '23.0.0' } }] },
  { name: 'shim, Magnum 20.0.2', steps: [{ argv: ['bash', 'shim/run-tests.sh'], env: { MAGNUM_VERSION: '20.0.2' } }] },
];

/**
 * The run's Go processes (the local API servers and etcd, the Cluster API managers, every helm) collect garbage
 * a quarter as often: profiled on two cores, the collector was a sixth of the busiest API server's CPU, and this
 * machine has memory to spare. An explicit GOGC is kept.
 */
const GO_RUNTIME = { GOGC: process.env.GOGC ?? '400' };

function jsonReport(name) {
  return ['--reporter=default', '--reporter=json', `--outputFile.json=${join(work, `${name}.json`)}`];
}

const charts = spawnSync('node', ['--import', 'tsx', 'test/support/chart-repo.ts', '--dir'], { cwd: root, encoding: 'utf8' });

/** One step, its output appended to the stream's log; resolves with its exit code (and signal). */
function step(s, out) {
  return new Promise((resolve) => {
    const [cmd, ...args] = s.argv;
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...GO_RUNTIME, ...s.env }, stdio: ['ignore', out, out] });
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal }));
  });
}

/** Every step of a stream runs, a failed one included, so each reports its counts; the stream fails if any did. */
async function run(stream) {
  const log = join(work, `${stream.name.replace(/\W+/g, '-')}.log`);
  const out = createWriteStream(log);
  await new Promise((resolve) => out.on('open', resolve));
  const started = Date.now();
  const ends = [];
  for (const s of stream.steps) {
    if (s.needsCharts && charts.status !== 0) out.write(charts.stderr);
    else ends.push(await step(s, out));
  }
  await new Promise((resolve) => out.end(resolve));
  const failed = ends.find((e) => e.code !== 0);
  const result = { ...stream, log, code: failed?.code ?? 0, signal: failed?.signal, seconds: Math.round((Date.now() - started) / 1000) };
  process.stdout.write(`\n== ${stream.name}: exit ${result.code}${result.signal ? ` (${result.signal})` : ''} in ${result.seconds}s\n`);
  process.stdout.write(readFileSync(log, 'utf8'));
  return result;
}

/** Counts of one stream: its steps' vitest JSON reports, and the closing lines pytest printed. */
function counts(result) {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const { report } of result.steps.filter((s) => s.report)) {
    const file = join(work, `${report}.json`);
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    c.passed += r.numPassedTests;
    c.failed += r.numFailedTests;
    c.skipped += r.numPendingTests + r.numTodoTests;
  }
  if (result.steps.some((s) => s.report)) return c;
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
