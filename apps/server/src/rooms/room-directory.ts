import {
  ApiLimits,
  ROOM_ID_PATTERN,
  starterCodeFor,
  type CreateRoomResponse,
  type Language,
  type QuestionInput,
  type Role,
  type RoomInfo,
} from '@interview/protocol';
import type { RoomRecord, RoomStore } from '../storage/room-store.js';
import { roomStatusView } from './record-views.js';
import { roomLink } from './room-links.js';
import { seedUpdate, statementSeedUpdate } from './room-seed.js';
import { candidateTokenFor, hashToken, newInterviewerToken, newRoomId, roleForToken } from './tokens.js';

export interface RoomAccess {
  room: RoomRecord;
  role: Role;
}

/** Creating rooms and deciding who may open them; used by the HTTP API and the WebSocket upgrade. */
export class RoomDirectory {
  constructor(private readonly store: RoomStore) {}

  /** A room seeded with a question starts with its statement and its starter code for the room's language. */
  async create(
    baseUrl: string,
    options: { title: string; language: Language; question?: QuestionInput & { id: string } },
  ): Promise<CreateRoomResponse> {
    const { question } = options;
    const roomId = newRoomId();
    const interviewerToken = newInterviewerToken();
    const candidateToken = candidateTokenFor(interviewerToken);
    await this.store.createRoom(
      {
        id: roomId,
        title: options.title.slice(0, ApiLimits.titleLength),
        language: options.language,
        interviewerTokenHash: hashToken(interviewerToken),
        candidateTokenHash: hashToken(candidateToken),
        createdAt: new Date(),
        ended: null,
      },
      seedUpdate(options.language, question ? starterCodeFor(question, options.language) : undefined),
      question ? { statement: statementSeedUpdate(question.statement, question.id) } : {},
    );
    return {
      roomId,
      interviewerUrl: roomLink(baseUrl, roomId, interviewerToken),
      candidateUrl: roomLink(baseUrl, roomId, candidateToken),
    };
  }

  /** The room and role a token opens, or why it does not. */
  async authorize(roomId: string, token: string | null): Promise<RoomAccess | 'unknown-room' | 'bad-token'> {
    if (!ROOM_ID_PATTERN.test(roomId)) return 'unknown-room';
    const room = await this.store.findRoom(roomId);
    if (!room) return 'unknown-room';
    const role = token ? roleForToken(room, token) : null;
    return role ? { room, role } : 'bad-token';
  }

  info(baseUrl: string, access: RoomAccess, token: string): RoomInfo {
    const { room, role } = access;
    const info: RoomInfo = {
      roomId: room.id,
      title: room.title,
      role,
      createdAt: room.createdAt.toISOString(),
      status: roomStatusView(room.ended),
    };
    if (role === 'interviewer') info.candidateUrl = roomLink(baseUrl, room.id, candidateTokenFor(token));
    return info;
  }
}
