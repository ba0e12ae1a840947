/**
 * The container image without a container engine: the Dockerfile and
 * .dockerignore are read (every file the build copies from the context is
 * sent, the runtime stage's defaults are the config file the health check
 * reads), and the runtime stage's layout is rebuilt in a temporary directory
 * (compiled dist/, healthcheck.mjs, the image's config file) to run the real
 * service and the real HEALTHCHECK command against the test management
 * cluster: the check follows listen from the file or a variable, and tls.
 */
import { execa, type ResultPromise } from 'execa';
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../support/ports.js';

const ROOT = join(import.meta.dirname, '../../..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** Instructions of the Dockerfile, continuation lines joined, comments dropped. */
function instructions(): { op: string; args: string }[] {
  return DOCKERFILE.replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const i = l.indexOf(' ');
      return { op: l.slice(0, i).toUpperCase(), args: l.slice(i + 1).trim() };
    });
}

/** The instructions of the last (runtime) stage. */
function runtimeStage() {
  const all = instructions();
  const last = all.map((x) => x.op).lastIndexOf('FROM');
  return all.slice(last);
}

/** .dockerignore as Docker applies it: the last matching pattern decides, `!` re-includes, a directory match covers its contents. */
function ignored(path: string): boolean {
  const rules = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\.?\//, '').replace(/\/$/, '');
      const body = pattern
        .split('/')
        .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/');
      return { negate, re: new RegExp(`^${body}(/.*)?$`) };
    });
  let out = false;
  for (const r of rules) if (r.re.test(path)) out = !r.negate;
  return out;
}

describe('Dockerfile and .dockerignore', () => {
  it('copies from the build context only what .dockerignore sends', () => {
    const sources = instructions()
      .filter((x) => x.op === 'COPY' && !x.args.startsWith('--from'))
      .flatMap((x) => x.args.split(/\s+/).slice(0, -1));
    expect(sources).toContain('deploy/healthcheck.mjs');
    expect(sources).toContain('deploy/image-config.yaml');
    for (const s of sources) expect(ignored(s.replace(/^\.\//, '')), s).toBe(false);
    // And keeps out what must not reach the image or the build cache.
    for (const p of ['node_modules/x', '.tools/helm3/helm', '.git/HEAD', '.venv-tools/bin/x', 'dist/cli.js', 'deploy/sidecar.yaml', 'test/x.ts', '.dev/token']) {
      expect(ignored(p), p).toBe(true);
    }
  });

  it('runs a current Node LTS, as a numeric non-root user, with the health check and config file it ships', () => {
    const froms = instructions().filter((x) => x.op === 'FROM').map((x) => x.args.split(/\s+/)[0]!);
    for (const f of froms) {
      const major = Number(/^node:(\d+)/.exec(f)?.[1]);
      expect(major % 2, f).toBe(0);
      expect(major, f).toBeGreaterThanOrEqual(22);
    }
    const runtime = runtimeStage();
    const user = runtime.filter((x) => x.op === 'USER').at(-1)!.args;
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const env = runtime.filter((x) => x.op === 'ENV').map((x) => x.args).join(' ');
    // Defaults live in the config file: an MCS_* variable would override an operator's file.
    expect(env.match(/MCS_[A-Z_]+/g)).toEqual(['MCS_CONFIG']);
    const configPath = /MCS_CONFIG=(\S+)/.exec(env)![1];
    expect(runtime).toContainEqual({ op: 'COPY', args: `deploy/image-config.yaml ${configPath}` });
    expect(runtime.find((x) => x.op === 'HEALTHCHECK')!.args).toMatch(/CMD \["node", "healthcheck\.mjs"\]$/);
    expect(runtime).toContainEqual({ op: 'COPY', args: 'deploy/healthcheck.mjs ./healthcheck.mjs' });
    // Production dependencies only, no install scripts.
    expect(instructions().some((x) => x.op === 'RUN' && /npm ci --omit=dev --ignore-scripts/.test(x.args))).toBe(true);
  });
});

describe('the runtime stage, rebuilt in a temporary directory', () => {
  let dir = '';
  let app = '';
  const children: ResultPromise[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcs-image-'));
    app = join(dir, 'app');
    mkdirSync(app);
    // The build stage's `npm run build`, into the temporary /app.
    await execa(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(app, 'dist')]);
    copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    copyFileSync(join(ROOT, 'deploy/healthcheck.mjs'), join(app, 'healthcheck.mjs'));
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
    symlinkSync(join(ROOT, 'charts-values'), join(app, 'charts-values'));
    writeFileSync(join(dir, 'tokens'), 'image-test-token-0123456789abcdef\n', { mode: 0o600 });
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.allSettled(children);
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports nothing at run time but Node built-ins and production dependencies', () => {
    const files = (readdirSync(join(app, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(20);
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    for (const f of files) {
      const text = readFileSync(join(app, 'dist', f), 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'".][^'"]*)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!(name in PKG.dependencies)) missing.add(`${relative(app, join(app, 'dist', f))}: ${spec}`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  /** The environment of a container started from the image, plus the test's own settings. */
  function containerEnv(extra: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MCS_') && v !== undefined) env[k] = v;
    return {
      ...env,
      NODE_ENV: 'production',
      MCS_KUBECONFIG: inject('kubeconfig'),
      MCS_TOKENS_FILE: join(dir, 'tokens'),
      MCS_HELM__BINARY: join(ROOT, '.tools/helm3/helm'),
      MCS_HELM__CACHE_DIR: join(dir, 'charts'),
      MCS_LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  function healthcheck(env: Record<string, string>) {
    return execa('node', ['healthcheck.mjs'], { cwd: app, env, extendEnv: false, reject: false, timeout: 10_000 });
  }

  /** Starts `node dist/cli.js serve` (the image's entry point) and waits until the health check passes. */
  async function serve(env: Record<string, string>) {
    const child = execa('node', ['dist/cli.js', 'serve'], { cwd: app, env, extendEnv: false, reject: false });
    children.push(child);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await healthcheck(env);
      if (r.exitCode === 0) return { child, first: r };
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        const out = await child;
        throw new Error(`service did not become healthy: ${r.stderr}\n${String(out.stderr)}`);
      }
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  async function stop(child: ResultPromise) {
    child.kill('SIGTERM');
    await child;
  }

  it('the image config file is valid and the check follows MCS_LISTEN over it', async () => {
    const port = await freePort();
    const etc = join(dir, 'etc-image');
    mkdirSync(etc);
    copyFileSync(join(ROOT, 'deploy/image-config.yaml'), join(etc, 'config.yaml'));
    const env = containerEnv({ MCS_CONFIG: join(etc, 'config.yaml'), MCS_LISTEN: `127.0.0.1:${port}` });
    const { child } = await serve(env);
    // A port nobody listens on fails the check.
    const elsewhere = await healthcheck({ ...env, MCS_LISTEN: `127.0.0.1:${await freePort()}` });
    expect(elsewhere.exitCode).toBe(1);
    expect(elsewhere.stderr).toMatch(/ECONNREFUSED/);
    await stop(child);
    const after = await healthcheck(env);
    expect(after.exitCode).toBe(1);
  });

  it('follows listen from an operator\'s config file', async () => {
    const port = await freePort();
    const etc = join(dir, 'etc-operator');
    mkdirSync(etc);
    writeFileSync(join(etc, 'config.yaml'), `listen: 127.0.0.1:${port}\nlogLevel: warn\n`);
    const { child, first } = await serve(containerEnv({ MCS_CONFIG: join(etc, 'config.yaml') }));
    expect(first.stderr).toBe('');
    await stop(child);
  });

  it('follows tls: the check speaks HTTPS when the service does', async () => {
    const port = await freePort();
    const etc = join(dir, 'etc-tls');
    mkdirSync(etc);
    await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=sidecar.example',
      '-keyout', join(etc, 'tls.key'), '-out', join(etc, 'tls.crt')]);
    writeFileSync(join(etc, 'config.yaml'), `listen: 127.0.0.1:${port}\ntls: {cert: tls.crt, key: tls.key}\n`);
    const env = containerEnv({ MCS_CONFIG: join(etc, 'config.yaml') });
    const { child } = await serve(env);
    const plain = await execa('node', ['-e', `fetch('http://127.0.0.1:${port}/healthz').then(() => process.exit(0), () => process.exit(1))`], { reject: false });
    expect(plain.exitCode).toBe(1);
    await stop(child);
  });

  it('without a kubeconfig the image refuses to start, naming the setting, rather than trying a development cluster', async () => {
    const env = containerEnv({ MCS_CONFIG: join(ROOT, 'deploy/image-config.yaml') });
    delete env.MCS_KUBECONFIG;
    const r = await execa('node', ['dist/cli.js', 'serve'], { cwd: app, env, extendEnv: false, reject: false, timeout: 20_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/kubeconfig: required/);
  });

  it('fails, saying why, when the configuration is invalid', async () => {
    const r = await healthcheck(containerEnv({ MCS_LISTEN: 'not-an-address' }));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/healthcheck: invalid configuration:[\s\S]*listen/);
  });
});
