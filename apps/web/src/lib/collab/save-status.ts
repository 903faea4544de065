import type { ConnectionKind } from './connection.js';

export interface SaveFacts {
  /** The room's main socket. */
  connection: ConnectionKind;
  /** Some document this participant writes holds changes the server has not confirmed. */
  unsynced: boolean;
  /** This browser keeps a copy of those documents (IndexedDB), which survives a reload. */
  keptLocally: boolean;
}

export interface SaveView {
  text: string;
  /** Connected and waiting for the server's confirmation, usually for milliseconds. */
  pending: boolean;
}

/** The short save state beside the connection badge, for someone who can edit (a candidate locked out is shown none). */
export function describeSaving({ connection, unsynced, keptLocally }: SaveFacts): SaveView {
  if (!unsynced) return { text: 'All changes saved', pending: false };
  if (connection === 'connected') return { text: 'Saving…', pending: true };
  return { text: keptLocally ? 'Changes kept in this browser' : 'Changes not saved yet', pending: false };
}

/**
 * The announcement about the connection: `offline` from the moment it
 * drops, `back` once it returns (until the page clears it), nothing
 * otherwise. A refusal is not announced here: its own alert explains it.
 */
export type NoticePhase = 'offline' | 'back' | null;

export function nextNoticePhase(previous: NoticePhase, connection: ConnectionKind): NoticePhase {
  switch (connection) {
    case 'offline':
      return 'offline';
    case 'connected':
      return previous === null ? null : 'back';
    case 'connecting':
      return previous;
    case 'refused':
      return null;
  }
}

export interface NoticeFacts {
  unsynced: boolean;
  keptLocally: boolean;
  /** The participant may edit (not a candidate after the interview ended). */
  writing: boolean;
}

/** What the notice says. */
export function describeNotice(phase: Exclude<NoticePhase, null>, { unsynced, keptLocally, writing }: NoticeFacts): string {
  if (phase === 'offline') {
    if (!writing && !unsynced) return 'You are offline. The room updates again when the connection is back.';
    return keptLocally
      ? 'You are offline. Keep working: your changes are kept in this browser and sent when the connection is back.'
      : 'You are offline. Keep this tab open: your changes are sent when the connection is back.';
  }
  return unsynced ? 'Back online. Sending your changes…' : 'Back online. All changes saved.';
}

/** How long "Back online" stays once everything is saved. */
export const BACK_ONLINE_NOTICE_MS = 6000;
