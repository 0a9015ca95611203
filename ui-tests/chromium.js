/**
 * How every test and bench launches Debian's Chromium: never a downloaded
 * browser, and the flags it needs in a container running as root.
 */
module.exports = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run'
  ]
};
