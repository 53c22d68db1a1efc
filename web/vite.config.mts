import { defineConfig } from 'vite';

/**
 * The staff console. `npm run build` writes web/dist, which the hub serves at `/`; `npm run dev`
 * serves it with live reload and sends the API to a hub running on HUB_URL (default localhost:3000).
 */
const hub = process.env.HUB_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // antd's modules start with "use client" (for React Server Components): meaningless in a bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: hub, changeOrigin: false, ws: true },
    },
  },
});
