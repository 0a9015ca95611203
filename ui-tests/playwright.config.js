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
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    url: 'http://localhost:8888/lab',
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
