import { channelRights, DocumentChannel, type Role } from '@interview/protocol';

/** Where fuzz frames go: which room, with which role's token, on which document channel. */
export interface FuzzTarget {
  /** `ended`: a room whose interview has ended, where a candidate may no longer write. */
  room: 'open' | 'ended';
  role: Role;
  channel: DocumentChannel;
}

/** Every socket the fuzzer opens: both roles on every channel they may open, in an open room and an ended one. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  { room: 'open', role: 'interviewer', channel: DocumentChannel.main },
  { room: 'open', role: 'interviewer', channel: DocumentChannel.statement },
  { room: 'open', role: 'interviewer', channel: DocumentChannel.notes },
  { room: 'open', role: 'candidate', channel: DocumentChannel.main },
  { room: 'open', role: 'candidate', channel: DocumentChannel.statement },
  { room: 'ended', role: 'interviewer', channel: DocumentChannel.main },
  { room: 'ended', role: 'candidate', channel: DocumentChannel.main },
  { room: 'ended', role: 'candidate', channel: DocumentChannel.statement },
];

/** A socket the relay refuses during the upgrade (4403): the fuzzer opens it now and then, to count the refusal. */
export const REFUSED_TARGET: FuzzTarget = { room: 'open', role: 'candidate', channel: DocumentChannel.notes };

/** Whether the relay applies this target's document updates (else it drops them, socket open). */
export function targetWrites(target: FuzzTarget): boolean {
  if (!channelRights(target.channel, target.role).write) return false;
  return !(target.room === 'ended' && target.role === 'candidate');
}

export function targetName(target: FuzzTarget): string {
  return `${target.role}@${target.room}/${target.channel}`;
}

/** The key of one stored document: a room's channel. */
export function documentKey(target: Pick<FuzzTarget, 'room' | 'channel'>): string {
  return `${target.room}/${target.channel}`;
}

export { channelTextName } from '../clients.js';
