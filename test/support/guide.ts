/** The operator guide as tests read it: its text and its `## ` sections. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GUIDE = readFileSync(join(import.meta.dirname, '../../docs/operator-guide.md'), 'utf8');

/** The section under `## <title>`, up to the next `## ` heading. */
export function guideSection(title: string): string {
  const start = GUIDE.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`the guide has no section "${title}"`);
  const next = GUIDE.indexOf('\n## ', start + 1);
  return GUIDE.slice(start, next < 0 ? undefined : next);
}
