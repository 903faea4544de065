import type Database from 'better-sqlite3';

/**
 * Version history (PRAGMA user_version):
 * 1. rooms, updates, snapshots (one per room), latest_runs.
 * 2. a room has several documents (channels): `doc` column in updates and
 *    snapshots, 'main' for everything written before; one snapshot per (room, doc).
 * 3. the question bank: `questions`.
 * 4. the interviewer's record of a room: its status (`rooms.ended_at`,
 *    `rooms.ended_by`), every run (`runs`), the candidate's signals
 *    (`signals`) and who joined and left (`participants`).
 */
export const SCHEMA_VERSION = 4;

const QUESTIONS_TABLE = `
CREATE TABLE IF NOT EXISTS questions (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  statement TEXT NOT NULL,
  starter_code TEXT NOT NULL,
  hints TEXT,
  built_in INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

const RECORD_TABLES = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  run_id TEXT NOT NULL,
  language TEXT NOT NULL,
  code TEXT NOT NULL,
  by_name TEXT NOT NULL,
  by_role TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT,
  output TEXT NOT NULL,
  error TEXT,
  duration_ms REAL,
  UNIQUE (room_id, run_id)
);
CREATE TABLE IF NOT EXISTS signals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  by_name TEXT NOT NULL,
  by_role TEXT NOT NULL,
  chars INTEGER,
  lines INTEGER,
  away_ms INTEGER
);
CREATE INDEX IF NOT EXISTS signals_by_room ON signals(room_id, id);
CREATE TABLE IF NOT EXISTS participants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  left_at INTEGER
);
CREATE INDEX IF NOT EXISTS participants_by_room ON participants(room_id, id);
`;

/** The whole schema at the current version, for a new database. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  interviewer_token_hash BLOB NOT NULL,
  candidate_token_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  ended_at INTEGER,
  ended_by TEXT
);
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  data BLOB NOT NULL,
  author_role TEXT,
  author_name TEXT,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL DEFAULT 'main'
);
CREATE INDEX IF NOT EXISTS updates_by_room_doc ON updates(room_id, doc, seq);
CREATE TABLE IF NOT EXISTS snapshots (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  doc TEXT NOT NULL DEFAULT 'main',
  state BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, doc)
);
CREATE TABLE IF NOT EXISTS latest_runs (
  room_id TEXT PRIMARY KEY REFERENCES rooms(id),
  run TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
${QUESTIONS_TABLE}
${RECORD_TABLES}`;

/** MIGRATIONS[v] takes a database from version v to v + 1. */
const MIGRATIONS: Readonly<Record<number, string>> = {
  // Every existing update and snapshot belongs to the main document.
  1: `
ALTER TABLE updates ADD COLUMN doc TEXT NOT NULL DEFAULT 'main';
DROP INDEX IF EXISTS updates_by_room;
CREATE INDEX updates_by_room_doc ON updates(room_id, doc, seq);
CREATE TABLE snapshots_v2 (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  doc TEXT NOT NULL DEFAULT 'main',
  state BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, doc)
);
INSERT INTO snapshots_v2 (room_id, doc, state, through_seq, created_at)
  SELECT room_id, 'main', state, through_seq, created_at FROM snapshots;
DROP TABLE snapshots;
ALTER TABLE snapshots_v2 RENAME TO snapshots;
`,
  // The question bank, empty: the server seeds its built-in questions at start.
  2: QUESTIONS_TABLE,
  // Existing rooms are open; their earlier runs, signals and visits were never recorded.
  3: `
ALTER TABLE rooms ADD COLUMN ended_at INTEGER;
ALTER TABLE rooms ADD COLUMN ended_by TEXT;
${RECORD_TABLES}`,
};

/**
 * Brings a database to SCHEMA_VERSION in one transaction: creates a new one,
 * or runs each migration from its version on. Refuses a newer database.
 */
export function migrate(db: Database.Database, where: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the database in ${where} has schema version ${version}; this server knows ${SCHEMA_VERSION} (downgrade not supported)`);
  }
  db.transaction(() => {
    if (version === 0) db.exec(SCHEMA);
    else for (let from = version; from < SCHEMA_VERSION; from++) db.exec(MIGRATIONS[from]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
