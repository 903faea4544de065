import { LINE_BREAK, USER_SCRIPT_NAME, userLine, type ScriptLayout } from '../stack-mapping.js';

/**
 * The report for a worker script that never ran, typically a syntax error:
 * like Node, the offending line with a caret under the column, then the
 * message.
 *
 * The user's code is the body of a function the harness closes with `});`,
 * which shows in two messages. A block left open is closed by that `}` and
 * the `)` becomes the error, past the user's last line: to the user it is
 * the end of input. A stray `}` closes the wrapper instead and V8 asks for
 * the `)` of the call: to the user it is an unexpected `}`.
 */
export function describeStartupError(
  message: string,
  scriptLine: number,
  column: number,
  code: string,
  layout: ScriptLayout,
): { error: string; errorLine: number | null } {
  let text = message.replace(/^Uncaught /, '').trim();
  if (text === '') {
    return { error: 'The program could not be started in the sandbox (its worker failed to load).', errorLine: null };
  }
  const line = userLine(scriptLine, layout);
  if (line === null) return { error: text, errorLine: null };
  const source = code.split(LINE_BREAK)[line - 1] ?? '';
  const pastTheEnd = scriptLine - layout.lineOffset > layout.userLineCount;
  if (pastTheEnd && text.startsWith('SyntaxError')) text = 'SyntaxError: Unexpected end of input';
  if (!pastTheEnd && text === 'SyntaxError: missing ) after argument list' && source[column - 1] === '}') {
    text = "SyntaxError: Unexpected token '}'";
  }
  const pointsIntoLine = !pastTheEnd && column >= 1 && column <= source.length + 1;
  const caret = pointsIntoLine ? `\n${source.slice(0, column - 1).replace(/[^\t]/g, ' ')}^` : '';
  return { error: `${USER_SCRIPT_NAME}:${line}\n${source}${caret}\n\n${text}`, errorLine: line };
}
