// A small model of an nginx configuration file (directives, blocks, comments) and its text form, so the
// renderer builds structure and never concatenates configuration text by hand.
import { UnsafeNginxValueError } from './errors.ts';

export interface NginxDirective {
  kind: 'directive';
  name: string;
  /** Tokens as they are written: keywords, numbers, or values quoted by nginx-syntax.ts. */
  args: string[];
}

export interface NginxBlock {
  kind: 'block';
  name: string;
  args: string[];
  children: NginxNode[];
}

export interface NginxComment {
  kind: 'comment';
  text: string;
}

export type NginxNode = NginxDirective | NginxBlock | NginxComment;

export function directive(name: string, ...args: (string | number)[]): NginxDirective {
  return { kind: 'directive', name, args: args.map(String) };
}

export function block(name: string, args: (string | number)[], children: NginxNode[]): NginxBlock {
  return { kind: 'block', name, args: args.map(String), children };
}

export function comment(text: string): NginxComment {
  if (/[\r\n]/.test(text)) throw new UnsafeNginxValueError(text, 'a comment must stay on one line');
  return { kind: 'comment', text };
}

function nodeLines(node: NginxNode, depth: number): string[] {
  const indent = '    '.repeat(depth);
  const head = (name: string, args: string[]) => [name, ...args].join(' ');
  switch (node.kind) {
    case 'comment':
      return [`${indent}# ${node.text}`];
    case 'directive':
      return [`${indent}${head(node.name, node.args)};`];
    case 'block':
      return [
        `${indent}${head(node.name, node.args)} {`,
        ...node.children.flatMap((child) => nodeLines(child, depth + 1)),
        `${indent}}`,
      ];
  }
}

export function nginxConfigText(nodes: readonly NginxNode[]): string {
  return `${nodes.flatMap((node) => nodeLines(node, 0)).join('\n')}\n`;
}
