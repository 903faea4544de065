import type { ServerProcess } from '@interview/test-support';
import { connectRaw, type CreatedRoom } from '../clients.js';

export interface StoppingProbe {
  /** Whether the socket opened: a server that is stopping must not let anyone in. */
  opened: boolean;
  /** Whether the server process was still running when the attempt was made (else the attempt proves little). */
  serverRunning: boolean;
}

/**
 * Tries to join the room the moment the server logs that it is shutting
 * down, with a valid link, and resolves with how that went.
 */
export function probeOnceStopping(server: ServerProcess, room: CreatedRoom): Promise<StoppingProbe> {
  const stdout = server.child.stdout!;
  return new Promise((resolve) => {
    let seen = '';
    const onOutput = (chunk: string | Buffer) => {
      seen += String(chunk);
      if (!seen.includes('"event":"shutting-down"')) return;
      stdout.off('data', onOutput);
      const serverRunning = server.child.exitCode === null && server.child.signalCode === null;
      const newcomer = connectRaw(server.url, room.roomId, room.candidateToken, 'Newcomer');
      Promise.race([newcomer.opened.then(() => true), newcomer.closed.then(() => false)]).then(
        (opened) => {
          newcomer.socket.terminate();
          resolve({ opened, serverRunning });
        },
        () => resolve({ opened: false, serverRunning }),
      );
    };
    stdout.on('data', onOutput);
  });
}
