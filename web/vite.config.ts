import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built from the repo root (`vite build --config web/vite.config.ts`), so every path is taken
// relative to this file rather than to the working directory.
const webDir = fileURLToPath(new URL('.', import.meta.url));

/** Vendor code goes into a few stable chunks so the app's own chunk stays small and cacheable. */
function manualChunks(id: string): string | undefined {
  if (!id.includes('node_modules')) return undefined;
  if (/node_modules\/(react|react-dom|react-router|scheduler|cookie|set-cookie-parser)\//.test(id)) return 'react';
  if (/node_modules\/(antd|@ant-design|@rc-component|rc-[^/]+|@emotion|dayjs|classnames|clsx)\//.test(id)) return 'antd';
  // Libraries of pages fetched on first visit (lib/lazyPage) get chunks of their own: in 'vendor',
  // which every page loads, they would be downloaded by everyone.
  if (/node_modules\/(codemirror|@codemirror|@lezer|@marijn|style-mod|w3c-keyname|crelt)\//.test(id)) return 'codemirror';
  if (/node_modules\/(echarts|zrender)\//.test(id)) return 'echarts';
  // Loaded only when a list is exported to XLSX (lib/exportXlsxWriter).
  if (/node_modules\/exceljs\//.test(id)) return 'exceljs';
  return 'vendor';
}

export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // antd is one large library even when split out; it is cached across releases.
    chunkSizeWarningLimit: 1800,
    rollupOptions: {
      output: { manualChunks },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://localhost:3000', changeOrigin: false },
    },
  },
});
