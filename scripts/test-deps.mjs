// Installs what the browser tests need beyond npm packages: Debian's
// Chromium (browser downloads by test tools are not used). Skips what is
// already there; CHROMIUM_PATH points at another Chromium.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(command, args) {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? [command, args] : ['sudo', [command, ...args]];
  const result = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    console.error(`"${[cmd, ...argv].join(' ')}" failed; install Chromium yourself and set CHROMIUM_PATH if it is not at /usr/bin/chromium.`);
    process.exit(result.status ?? 1);
  }
}

if (existsSync(chromium)) {
  console.log(`Chromium: ${execFileSync(chromium, ['--version'], { encoding: 'utf8' }).trim()} (${chromium})`);
} else if (existsSync('/usr/bin/apt-get')) {
  console.log('Installing Chromium from Debian packages…');
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
} else {
  console.error(`No Chromium at ${chromium} and no apt-get to install it: install Chromium and set CHROMIUM_PATH.`);
  process.exit(1);
}
