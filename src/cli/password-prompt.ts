// A password typed at the terminal: the prompt on stderr (stdout stays for data), the line read with the
// terminal in raw mode and its echo discarded, so what is typed never appears on the screen.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export function promptHidden(prompt: string): Promise<string> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  // The terminal goes to raw mode here, before the prompt: nothing typed after it is echoed.
  const reader = createInterface({ input: process.stdin, output: discard, terminal: true });
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let answer: string | undefined;
    reader.once('line', (line) => {
      answer = line;
      reader.close();
    });
    // Ctrl-C or Ctrl-D: no password, nothing is created.
    reader.once('SIGINT', () => reader.close());
    reader.once('close', () => {
      process.stderr.write('\n');
      if (answer === undefined) reject(new Error('no password entered; nothing was changed'));
      else resolve(answer);
    });
  });
}
