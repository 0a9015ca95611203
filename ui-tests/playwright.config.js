/**
 * Galata in a real JupyterLab, driving Debian's Chromium: test tools never
 * download a browser here.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

module.exports = {
  ...baseConfig,
  reporter: [['list']],
  retries: 0,
  workers: 1,
  timeout: 120 * 1000,
  expect: { timeout: 20 * 1000 },
  use: {
    ...baseConfig.use,
    trace: 'off',
    video: 'off',
    launchOptions: require('./chromium.js')
  },
  // nopanel.spec.ts runs against a second server, with the extension
  // disabled: what frontends without it (VS Code, Colab) show.
  projects: [
    { name: 'panel', testIgnore: /nopanel\.spec\.ts$/ },
    {
      name: 'nopanel',
      testMatch: /nopanel\.spec\.ts$/,
      use: { baseURL: 'http://localhost:8889' }
    }
  ],
  webServer: [
    {
      command: 'jupyter lab --config jupyter_server_test_config.py',
      url: 'http://localhost:8888/lab',
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      command: 'jupyter lab --config jupyter_server_nopanel_config.py',
      url: 'http://localhost:8889/lab',
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI,
      env: {
        ...process.env,
        JUPYTER_CONFIG_PATH: [
          require('path').join(__dirname, 'nopanel'),
          process.env.JUPYTER_CONFIG_PATH
        ]
          .filter(Boolean)
          .join(require('path').delimiter)
      }
    }
  ]
};
