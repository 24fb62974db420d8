#!/usr/bin/env node
// The `gongshu` command. Runs the compiled server in dist/ (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('gongshu: dist/ is missing — run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(main);
