// The demo's report on standard output: numbered sections, indented steps, commands as a user would type
// them (kubectl without --kubeconfig, which the printed `export KUBECONFIG=...` line stands for) with
// their output below.

export interface TextSink {
  write(text: string): unknown;
}

const STEP_INDENT = '   ';
const OUTPUT_INDENT = '     ';
const COMMAND_WIDTH = 100;

/** Each line of `text` (without trailing blank lines) behind `prefix`. */
export function indentLines(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '' : `${prefix}${line}`))
    .join('\n');
}

/** A command of many words as shell lines of at most `width` characters, continued with " \\". */
export function wrapCommand(words: readonly string[], width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length + 2 > width) {
      lines.push(`${line} \\`);
      line = `    ${word}`;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export class DemoOutput {
  readonly #sink: TextSink;
  #sections = 0;

  constructor(sink: TextSink) {
    this.#sink = sink;
  }

  section(title: string): void {
    this.#sections += 1;
    this.#sink.write(`\n==> ${this.#sections}. ${title}\n`);
  }

  step(text: string): void {
    this.#sink.write(`${indentLines(text, STEP_INDENT)}\n`);
  }

  /** A command line (wrapped when given as words), then what it printed (nothing when empty). */
  command(commandLine: string | readonly string[], output = ''): void {
    const text = typeof commandLine === 'string' ? commandLine : wrapCommand(commandLine, COMMAND_WIDTH);
    this.#sink.write(`${indentLines(`$ ${text}`, STEP_INDENT)}\n`);
    this.output(output);
  }

  /** What a command printed, below it; nothing when empty. */
  output(text: string): void {
    if (text.trim() !== '') this.#sink.write(`${indentLines(text, OUTPUT_INDENT)}\n`);
  }

  /** Runs `work`, then reports `what` with how long it took. */
  async timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    this.step(`${what} (${formatSeconds(Date.now() - started)})`);
    return result;
  }
}
