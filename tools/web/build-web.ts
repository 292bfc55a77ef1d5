// The console's static files: compiles apps/web/client (browser ES modules) with the
// project's own tsc and lays out
//   <out>/index.html                      (no-cache: always revalidated)
//   <out>/assets/<content hash>/...       (immutable: cached for a year)
// so a deploy changes the assets' path and no browser keeps a stale module. `npm run build`
// runs it after `nest build`; the web end-to-end tests run it into a temporary folder.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLIENT_TSCONFIG = join(ROOT, 'apps/web/client/tsconfig.json');
const PUBLIC = join(ROOT, 'apps/web/public');
export const DEFAULT_WEB_OUT = join(ROOT, 'dist/apps/web/public');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

export interface WebBuild {
  readonly outDir: string;
  /** the content hash that names the assets folder */
  readonly hash: string;
}

export function buildWeb(outDir: string = DEFAULT_WEB_OUT): WebBuild {
  const staging = `${outDir}.staging-${process.pid}`;
  const build = join(staging, 'assets', 'build');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });

  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', CLIENT_TSCONFIG, '--outDir', join(build, 'js')], { cwd: ROOT, stdio: 'inherit' });
  cpSync(join(PUBLIC, 'assets'), build, { recursive: true });

  const digest = createHash('sha256');
  for (const file of files(build).sort()) digest.update(relative(build, file)).update('\0').update(readFileSync(file)).update('\0');
  const hash = digest.digest('hex').slice(0, 12);
  renameSync(build, join(staging, 'assets', hash));

  const page = readFileSync(join(PUBLIC, 'index.html'), 'utf8');
  if (!page.includes('%ASSETS%')) throw new Error('apps/web/public/index.html must name its assets under /assets/%ASSETS%/');
  writeFileSync(join(staging, 'index.html'), page.replaceAll('%ASSETS%', hash));

  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  return { outDir, hash };
}

if (require.main === module) {
  const started = Date.now();
  const result = buildWeb(process.argv[2] ?? DEFAULT_WEB_OUT);
  process.stdout.write(`web console built into ${relative(ROOT, result.outDir)} (assets ${result.hash}) in ${Date.now() - started} ms\n`);
}
