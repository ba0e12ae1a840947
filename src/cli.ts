/**
 * Command-line entry: `serve` runs the service; `render --spec FILE` prints
 * the values and helm arguments for a spec without changing anything; `diff
 * --spec FILE` previews the next operation on the live release (read-only);
 * `import-magnum-conf PATH` prints this driver's config for magnum-capi-helm's
 * settings in a magnum.conf.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad input or configuration.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { LOCAL_CLUSTER_BUILD, startLocalCluster } from './devcluster/index.js';
import { PROJECT_ROOT } from './planner.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { previewSpec } from './driver/preview.js';
import { createEngine, createPreviewer } from './engine.js';
import { isSidecarError } from './errors.js';
import { Spec } from './magnum/spec.js';
import { createLogger, startServer } from './server.js';

const USAGE = `usage: magnum-capi-sidecar <command>
  serve                 run the HTTP service (config: MCS_CONFIG file and MCS_* variables)
  render --spec FILE    print the chart values and helm arguments for a spec document (JSON)
  diff --spec FILE      preview the next operation on the cluster's live release (needs MCS_KUBECONFIG):
                        objects created, changed, deleted, and whether the control plane or a node group rolls
  import-magnum-conf PATH
                        print the config (YAML) equivalent to magnum-capi-helm's settings in
                        magnum.conf PATH; what cannot be carried over is listed on stderr
`;

function fail(code: number, error: { code: string; message: string; field?: string }): never {
  process.stderr.write(`${JSON.stringify({ error })}\n`);
  process.exit(code);
}

/** Without a kubeconfig the service runs for development: a local cluster and a generated token. */
async function developmentDefaults(config: Config, logger: Logger): Promise<{ kubeconfig: string; tokensFile: string; stop: () => Promise<void> }> {
  // An installed copy (the container image, a package) carries no build script for a local cluster.
  if (!existsSync(join(PROJECT_ROOT, LOCAL_CLUSTER_BUILD))) {
    throw new ConfigError(['kubeconfig: required (set MCS_KUBECONFIG or kubeconfig); only a source checkout can start a local development cluster']);
  }
  const dev = config.devDataDir ?? join(PROJECT_ROOT, '.dev');
  logger.warn({ dataDir: dev }, 'no kubeconfig configured: starting a local management cluster (development only)');
  const local = await startLocalCluster({ dataDir: join(dev, 'cluster'), log: (msg) => logger.info(msg), capi: config.devCapi });
  let tokensFile = config.tokensFile;
  if (!tokensFile) {
    tokensFile = join(dev, 'token');
    if (!existsSync(tokensFile)) writeFileSync(tokensFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
    logger.warn({ tokensFile }, 'no tokens file configured: using a generated development token');
  }
  return { kubeconfig: local.kubeconfigPath, tokensFile, stop: local.stop };
}

async function serve(config: Config): Promise<void> {
  const logger = createLogger(config);
  if (config.kubeconfig && !config.tokensFile) {
    throw new ConfigError(['tokensFile: required to serve the API (set MCS_TOKENS_FILE or tokensFile)']);
  }
  const dev = config.kubeconfig ? undefined : await developmentDefaults(config, logger);
  const kubeconfig = config.kubeconfig ?? dev!.kubeconfig;
  const tokensFile = config.tokensFile ?? dev!.tokensFile;
  const engine = await createEngine({ ...config, kubeconfig }, logger);
  const close = engine.close;
  engine.close = async () => {
    await close();
    await dev?.stop();
  };
  await startServer({ ...config, kubeconfig, tokensFile }, engine, logger);
}

/** The spec document in FILE, validated as the API validates a body; bad input exits 2 naming the field. */
function readSpec(command: string, specPath: string | undefined): Spec {
  if (!specPath) fail(2, { code: 'usage', message: `${command} needs --spec FILE` });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(specPath, 'utf8'));
  } catch (err) {
    fail(2, { code: 'invalid_input', message: `${specPath}: ${(err as Error).message}`, field: 'spec' });
  }
  const parsed = Spec.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    fail(2, { code: 'invalid_input', message: `${field}: ${issue.message}`, field });
  }
  return parsed.data;
}

async function render(config: Config, specPath: string | undefined): Promise<void> {
  const spec = readSpec('render', specPath);
  const { renderSpec } = await import('./render.js');
  const result = await renderSpec(spec, config);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** The preview of the next operation on the live release, against the configured management cluster. */
async function diff(config: Config, specPath: string | undefined): Promise<void> {
  const spec = readSpec('diff', specPath);
  if (!config.kubeconfig) throw new ConfigError(['kubeconfig: required to compare with the live release (set MCS_KUBECONFIG or kubeconfig)']);
  const result = await previewSpec(spec, await createPreviewer({ ...config, kubeconfig: config.kubeconfig }));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** Needs no config of its own: it writes one. */
async function importMagnumConfFile(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [path, extra] = positionals;
  if (!path || extra !== undefined) fail(2, { code: 'usage', message: 'import-magnum-conf needs exactly one PATH (a magnum.conf)' });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail(2, { code: 'invalid_input', message: `${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, field: 'path' });
  }
  const { configYaml, formatNote, importMagnumConf } = await import('./migrate/magnum-conf.js');
  const { IniSyntaxError } = await import('./migrate/oslo-ini.js');
  let result;
  try {
    result = importMagnumConf(text);
  } catch (err) {
    if (err instanceof IniSyntaxError) fail(2, { code: 'invalid_input', message: `${path}: ${err.message}`, field: 'path' });
    throw err;
  }
  for (const note of result.notes) process.stderr.write(`${formatNote(note)}\n`);
  process.stdout.write(configYaml(result, path));
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'import-magnum-conf') return importMagnumConfFile(rest);
  try {
    const config = loadConfig();
    switch (command) {
      case 'serve':
        return await serve(config);
      case 'render':
      case 'diff': {
        const { values } = parseArgs({ args: rest, options: { spec: { type: 'string' } } });
        return await (command === 'render' ? render : diff)(config, values.spec);
      }
      default:
        process.stderr.write(USAGE);
        process.exit(command === undefined || command === 'help' || command === '--help' ? 0 : 2);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    if (isSidecarError(err)) {
      const error = { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
      fail(err.statusCode < 500 ? 2 : 1, error);
    }
    throw err;
  }
}

await main(process.argv.slice(2));
