/**
 * The value of `nudge secrets set NAME` when none is given as an argument (which would land in the
 * shell's history): on a terminal, a prompt that does not echo what is typed; otherwise standard
 * input as piped (`pbpaste | ./nudge secrets set NAME`), one trailing newline removed.
 */
import password from '@inquirer/password';
import { NudgeError } from '../core/errors.js';

export async function readSecretValue(name: string, stdin: NodeJS.ReadStream = process.stdin, message = `Value of ${name}`): Promise<string> {
  if (!stdin.isTTY) return (await readAll(stdin)).replace(/\r?\n$/, '');
  try {
    // The prompt goes to stderr so that stdout carries only the command's result.
    return await password(
      { message: `${message} (not shown as you type)`, validate: (v) => v.length > 0 || 'type or paste a value, or press Ctrl+C' },
      { input: stdin, output: process.stderr },
    );
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new NudgeError('canceled', `${name} not set`, { status: 400 });
    throw error;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
