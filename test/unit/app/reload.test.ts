import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { startServer } from '../../../src/server.js';
import { ADMIN_TOKEN, READER_TOKEN, TOKEN, captureLogs } from '../../support/app.js';
import { recordingDriver } from '../../support/fake-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'mcs-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGHUP re-reads the tokens file, roles included', () => {
  it('applies a new role at once, and keeps the old set when the new file is wrong', async () => {
    const path = join(dir, 'tokens');
    writeFileSync(path, `${TOKEN}\n${READER_TOKEN} reader dash\n`);
    const config = parseConfig({ listen: '127.0.0.1:0', tokensFile: path, audit: { enabled: false } });
    const { logger, lines } = captureLogs('info');
    const server = await startServer({ ...config, tokensFile: path }, { driver: recordingDriver(), checks: [], close: async () => undefined }, logger);
    const list = async (token: string) => (await fetch(`${server.url}/v1/clusters`, { headers: { authorization: `Bearer ${token}` } })).status;
    try {
      expect([await list(READER_TOKEN), await list(ADMIN_TOKEN)]).toEqual([200, 401]);

      writeFileSync(path, `${TOKEN}\n${READER_TOKEN} driver dash\n${ADMIN_TOKEN} admin ops\n`);
      process.emit('SIGHUP', 'SIGHUP');
      expect([await list(READER_TOKEN), await list(ADMIN_TOKEN)]).toEqual([403, 200]);

      writeFileSync(path, `${TOKEN}\n${ADMIN_TOKEN} root\n`);
      process.emit('SIGHUP', 'SIGHUP');
      expect([await list(READER_TOKEN), await list(ADMIN_TOKEN)]).toEqual([403, 200]);
      const text = lines.join('');
      expect(text).toContain('tokens not reloaded; keeping the old set');
      expect(text).toContain('unknown role \\"root\\"');
      expect(text).not.toContain(ADMIN_TOKEN);
    } finally {
      await server.shutdown('test');
    }
  });
});
