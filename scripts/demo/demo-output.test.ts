import { describe, expect, it } from '@jest/globals';
import { DemoOutput, formatSeconds, indentLines, wrapCommand } from './demo-output.ts';

function capture(): { out: DemoOutput; text: () => string } {
  let text = '';
  return { out: new DemoOutput({ write: (chunk: string) => (text += chunk) }), text: () => text };
}

describe('demo output', () => {
  it('numbers sections and indents steps, commands and their output', () => {
    const { out, text } = capture();
    out.section('Build');
    out.step('done');
    out.section('Cluster');
    out.command('kubectl get ns', 'NAME\ndefault\n\n');
    out.command('kubectl apply -f x.yaml', '  ');
    expect(text()).toBe(
      '\n==> 1. Build\n   done\n\n==> 2. Cluster\n   $ kubectl get ns\n     NAME\n     default\n' +
        '   $ kubectl apply -f x.yaml\n',
    );
  });

  it('wraps a long command at word boundaries with shell continuations', () => {
    const words = ['node', 'main.js', '--first=aaaaaaaa', '--second=bbbbbbbb', '--third=c'];
    expect(wrapCommand(words, 40)).toBe('node main.js --first=aaaaaaaa \\\n    --second=bbbbbbbb --third=c');
    expect(wrapCommand(['short', 'line'], 30)).toBe('short line');
    // A word longer than the width stays whole on a line of its own.
    expect(wrapCommand(['a', 'x'.repeat(40), 'b'], 20)).toBe(`a \\\n    ${'x'.repeat(40)} \\\n    b`);
  });

  it('indents every non-empty line and keeps blank lines blank', () => {
    expect(indentLines('a\n\nb\n\n', '  ')).toBe('  a\n\n  b');
  });

  it('reports a duration in seconds with one decimal', () => {
    expect(formatSeconds(12_345)).toBe('12.3 s');
  });
});
