// Bundles the page: src/main.js (+ Leaflet and its CSS) -> OUT/assets/, src/index.html -> OUT/.
// Usage: node build.mjs --out DIR [--modules NODE_MODULES_DIR]   (default modules: ./node_modules)
// The CMake build passes its own node_modules (npm ci in the build dir) so the source tree stays clean.
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
function flag(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const out = path.resolve(flag('--out', path.join(here, 'dist')));
const modules = path.resolve(flag('--modules', path.join(here, 'node_modules')));
const esbuild = createRequire(path.join(modules, 'noop.js'))('esbuild');

rmSync(path.join(out, 'assets'), { recursive: true, force: true });
mkdirSync(path.join(out, 'assets'), { recursive: true });
await esbuild.build({
  entryPoints: [path.join(here, 'src', 'main.js')],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  nodePaths: [modules],
  // Leaflet's CSS points at its control images; they ship beside the bundle, never fetched elsewhere.
  loader: { '.png': 'file', '.svg': 'file' },
  assetNames: '[name]-[hash]',
  outdir: path.join(out, 'assets'),
  logLevel: 'warning',
});
copyFileSync(path.join(here, 'src', 'index.html'), path.join(out, 'index.html'));
console.log(`page bundled into ${out}`);
