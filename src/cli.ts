/**
 * Command-line entry: `serve` runs the service; `render --spec FILE` prints
 * the values and helm arguments for a spec without changing anything.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad input or configuration.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createEngine } from './engine.js';
import { isSidecarError } from './errors.js';
import { Spec } from './magnum/spec.js';
import { createLogger, startServer } from './server.js';

const USAGE = `usage: magnum-capi-sidecar <command>
  serve                 run the HTTP service (config: MCS_CONFIG file and MCS_* variables)
  render --spec FILE    print the chart values and helm arguments for a spec document (JSON)
`;

function fail(code: number, error: { code: string; message: string; field?: string }): never {
  process.stderr.write(`${JSON.stringify({ error })}\n`);
  process.exit(code);
}

async function serve(config: Config): Promise<void> {
  if (!config.tokensFile) {
    throw new ConfigError(['tokensFile: required to serve the API (set MCS_TOKENS_FILE or tokensFile)']);
  }
  const logger = createLogger(config);
  const engine = await createEngine(config, logger);
  await startServer({ ...config, tokensFile: config.tokensFile }, engine, logger);
}

async function render(config: Config, specPath: string | undefined): Promise<void> {
  if (!specPath) fail(2, { code: 'usage', message: 'render needs --spec FILE' });
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
  const { renderSpec } = await import('./render.js');
  const result = await renderSpec(parsed.data, config);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    const config = loadConfig();
    switch (command) {
      case 'serve':
        return await serve(config);
      case 'render': {
        const { values } = parseArgs({ args: rest, options: { spec: { type: 'string' } } });
        return await render(config, values.spec);
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
