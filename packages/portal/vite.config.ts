import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ at `/`; `npm run dev` here proxies the API to a local server.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: Object.fromEntries(['/v1', '/api', '/oauth', '/login/me', '/en/profile'].map((p) => [p, 'http://127.0.0.1:8080'])),
  },
});
