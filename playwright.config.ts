// Playwright runs the e2e tests (e2e/*.spec.ts) against the built page (web-dist/), served by
// `vite preview` with the cross-origin isolation headers. `npm test` builds first; to run the e2e
// tests alone: `npm run build && npx playwright test`. The server must listen on 127.0.0.1: the
// embed tests use http://localhost:PORT as a second origin that frames the page.
//
// The browser is Debian's Chromium (/usr/bin/chromium, or $WASMVISOR_CHROMIUM); where that is
// missing, Playwright's own Chromium (`npx playwright install chromium`).
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const PORT = 4173;
/** Where scripts/serve-static.mjs serves examples/ (e2e/embed.spec.ts reads it from WASMVISOR_EXAMPLES_URL). */
const EXAMPLES_PORT = 4174;
process.env.WASMVISOR_EXAMPLES_URL ??= `http://127.0.0.1:${EXAMPLES_PORT}/`;
const HOST = '127.0.0.1';
// Set to test a server you started yourself (e.g. the dev server: WASMVISOR_E2E_URL=http://127.0.0.1:5173).
const externalServer = process.env.WASMVISOR_E2E_URL;
const chromium = process.env.WASMVISOR_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    ...devices['Desktop Chrome'],
    baseURL: externalServer ?? `http://${HOST}:${PORT}`,
    headless: true,
    trace: 'off',
    launchOptions: {
      executablePath: existsSync(chromium) ? chromium : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: [
    ...(externalServer ? [] : [{
      command: `npx vite preview --port ${PORT} --strictPort --host ${HOST}`,
      url: `http://${HOST}:${PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      stdout: 'ignore' as const,
      stderr: 'pipe' as const,
    }]),
    // examples/ (the page embedding two playgrounds) on another port: another origin that frames
    // the playground, as a docs site would (e2e/embed.spec.ts).
    {
      command: `node scripts/serve-static.mjs examples ${EXAMPLES_PORT} ${HOST}`,
      url: `http://${HOST}:${EXAMPLES_PORT}/embed/index.html`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
      stdout: 'ignore' as const,
      stderr: 'pipe' as const,
    },
  ],
});
