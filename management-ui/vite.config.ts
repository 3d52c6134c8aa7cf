/**
 * Vite's build of the dashboard: management-ui/ is the root, the output goes to dist/ui/ (ignored
 * by git, served by src/http/dashboard.ts). JSX through Vite's own transform (Oxc) with Preact's
 * automatic runtime, so no plugin is needed for it. Each text file of the build is also written
 * gzip- and brotli-compressed beside itself (.gz, .br), which the server sends to browsers that
 * accept them. `WARREN_UI_PROXY=http://127.0.0.1:15672 npx vite --config management-ui/vite.config.ts`
 * serves the sources with the API of a running broker while developing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const proxyTarget = process.env.WARREN_UI_PROXY ?? 'http://127.0.0.1:15672';
const outDir = fileURLToPath(new URL('../dist/ui', import.meta.url));

/** Writes <file>.gz and <file>.br for every emitted .js, .css, .html and .svg file. */
function precompress(): Plugin {
  return {
    name: 'warren-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? outDir;
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg)$/.test(name)) continue;
        const file = path.join(dir, name);
        const data = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig(({ command }) => {
  // A build is for production whatever NODE_ENV says: under vitest ("test") Vite would pick the
  // libraries' development builds (their "development" export conditions and checks).
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: '/',
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    plugins: [precompress()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      assetsDir: 'assets',
      chunkSizeWarningLimit: 200,
    },
    server: { proxy: { '/api': { target: proxyTarget, changeOrigin: true } } },
  };
});
