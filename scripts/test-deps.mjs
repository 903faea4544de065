// Installs what the tests need beyond npm packages, from Debian's packages:
// Chromium for the browser tests (browser downloads by test tools are not
// used), and the servers that scale-out tests start as their own children:
// redis-server, PostgreSQL's initdb and postgres, nginx. Skips what is
// already there; CHROMIUM_PATH points at another Chromium. Every missing
// package goes into one apt-get install.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLICY_RC = '/usr/sbin/policy-rc.d';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH or among `fallbacks`, else null. */
function find(name, fallbacks = []) {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  return [...onPath, ...fallbacks].find(executable) ?? null;
}

/** Debian keeps PostgreSQL's server binaries off PATH, in /usr/lib/postgresql/<major>/bin; newest first. */
function postgresBinDirs() {
  try {
    return readdirSync('/usr/lib/postgresql')
      .filter((major) => /^\d+$/.test(major))
      .sort((a, b) => Number(b) - Number(a))
      .map((major) => `/usr/lib/postgresql/${major}/bin`);
  } catch {
    return [];
  }
}

function version(path, args) {
  // nginx -v answers on stderr.
  const result = spawnSync(path, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] || 'version unknown';
}

const checks = [
  { what: 'Chromium', package: 'chromium', found: () => (existsSync(chromium) ? chromium : null), versionArgs: ['--version'] },
  { what: 'Redis', package: 'redis-server', found: () => find('redis-server', ['/usr/bin/redis-server']), versionArgs: ['--version'] },
  {
    what: 'PostgreSQL',
    package: 'postgresql',
    // Both are needed: tests create a throwaway cluster and run a server on it.
    found: () => {
      const pgDirs = postgresBinDirs();
      const initdb = find('initdb', pgDirs.map((dir) => join(dir, 'initdb')));
      const postgres = find('postgres', pgDirs.map((dir) => join(dir, 'postgres')));
      return initdb && postgres ? postgres : null;
    },
    versionArgs: ['--version'],
  },
  { what: 'nginx', package: 'nginx', found: () => find('nginx', ['/usr/sbin/nginx']), versionArgs: ['-v'] },
];

function report(check, path) {
  console.log(`${check.what}: ${version(path, check.versionArgs)} (${path})`);
}

const missing = [];
for (const check of checks) {
  const path = check.found();
  if (path) report(check, path);
  else missing.push(check);
}
if (missing.length === 0) process.exit(0);

const packages = missing.map((check) => check.package);
if (!existsSync('/usr/bin/apt-get')) {
  console.error(`Missing: ${missing.map((check) => check.what).join(', ')}, and no apt-get to install them.`);
  console.error(`Install them yourself (Debian packages: ${packages.join(' ')}); set CHROMIUM_PATH if Chromium is not at /usr/bin/chromium.`);
  process.exit(1);
}

const asRoot = process.getuid?.() === 0;
function run(command, args) {
  const [cmd, argv] = asRoot ? [command, args] : ['sudo', [command, ...args]];
  const result = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`"${[cmd, ...argv].join(' ')}" failed (${result.status ?? result.signal ?? result.error})`);
}

// postgresql's and nginx's maintainer scripts start their services. Without
// an init system that start can fail and fail the install with it; and where
// it succeeds it is unwanted: nginx would take port 80, and a second
// PostgreSQL cluster is no use (tests start their own, and the machine's
// server, if any, must keep its port). A policy-rc.d that answers 101 ("action
// forbidden") makes invoke-rc.d skip every start. An existing one is the
// machine's own policy and is left alone.
const ownPolicy = !existsSync(POLICY_RC);
console.log(`Installing ${packages.join(' ')} from Debian packages…`);
try {
  if (ownPolicy) run('sh', ['-c', `printf '#!/bin/sh\\nexit 101\\n' > ${POLICY_RC} && chmod 755 ${POLICY_RC}`]);
  try {
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
  } finally {
    if (ownPolicy) run('rm', ['-f', POLICY_RC]);
  }
} catch (error) {
  console.error(`${error.message}; install ${packages.join(' ')} yourself (set CHROMIUM_PATH if Chromium is not at /usr/bin/chromium).`);
  process.exit(1);
}

for (const check of missing) {
  const path = check.found();
  if (!path) {
    console.error(`${check.what} is still missing after installing ${check.package}.`);
    process.exit(1);
  }
  report(check, path);
}
