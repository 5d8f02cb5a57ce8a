// Bundles src/index.js into one minified IIFE: ../../internal/web/static/widget.js.
// The CSS is minified by esbuild too and inlined as a string.
import { build, transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outfile = here('../../../internal/web/static/widget.js');

const cssAsText = {
  name: 'css-as-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(await readFile(args.path, 'utf8'), { loader: 'css', minify: true });
      return { contents: `export default ${JSON.stringify(code.trim())};`, loader: 'js' };
    });
  },
};

await build({
  entryPoints: [here('../src/index.js')],
  outfile,
  bundle: true,
  format: 'iife',
  minify: true,
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  legalComments: 'none',
  banner: { js: '/* Signet web chat widget — built from web/widget (npm run build); do not edit. */' },
  plugins: [cssAsText],
  logLevel: 'info',
});
