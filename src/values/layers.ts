/**
 * Reading the values layers from disk, at start-up: the project's base files
 * in charts-values/ (sorted by name) and the operator's overlay files.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { ValueLayers } from './index.js';
import type { Values } from './merge.js';
import { registryAuthValues } from './registries.js';

async function readValuesFile(path: string, setting: string): Promise<Values> {
  let doc: unknown;
  try {
    const text = await readFile(path, 'utf8');
    // A file of comments only is an empty layer (an overlay kept as a commented template), not an error.
    if (text.replace(/^\s*#.*$/gm, '').trim() === '') return {};
    doc = loadYaml(text);
  } catch (err) {
    throw new ConfigError([`${setting}: ${path}: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([`${setting}: ${path} must hold a YAML mapping`]);
  return doc as Values;
}

/** The chart writes the password into containerd's TOML between double quotes. */
const PASSWORD = /^[^"\\\u0000-\u001f\u007f]{1,1024}$/;

/**
 * Each registry's password from its file (a mounted Secret, say), one line,
 * trailing newline dropped. Errors name the setting and the file, never the content.
 */
async function readRegistryPasswords(site: Config): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [host, auth] of Object.entries(site.registryAuth)) {
    const setting = `registryAuth.${host}.passwordFile`;
    let text: string;
    try {
      text = await readFile(auth.passwordFile, 'utf8');
    } catch (err) {
      throw new ConfigError([`${setting}: cannot read ${auth.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`]);
    }
    const password = text.replace(/\r?\n$/, '');
    if (!PASSWORD.test(password)) throw new ConfigError([`${setting}: ${auth.passwordFile} must hold one line without quotes, backslashes or control characters`]);
    out[host] = password;
  }
  return out;
}

export async function loadValueLayers(site: Config, projectRoot: string): Promise<ValueLayers> {
  const dir = join(projectRoot, 'charts-values');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/.test(n)).sort();
  const base = await Promise.all(names.map((n) => readValuesFile(join(dir, n), 'charts-values')));
  const overlays = await Promise.all(site.valuesOverlays.map((p) => readValuesFile(p, 'valuesOverlays')));
  const credentials = registryAuthValues(site, await readRegistryPasswords(site));
  return Object.keys(credentials).length > 0 ? { base, overlays, credentials } : { base, overlays };
}
