import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { invalid } from '../../domain/errors.js';
import { printable } from '../../util/printable.js';

/**
 * Where an export goes: stdout, or a file that appears complete or not at all (written to a
 * temporary file beside it, synced, then renamed over it), so a reconciliation never reads half
 * an export. Each write waits for the one before it to be taken (backpressure): memory holds one
 * page, not the export.
 */
export interface Sink {
  /** False once the reader went away (`| head`): there is no point writing more. */
  write(text: string): Promise<boolean>;
  finish(): Promise<void>;
  /** After a failure: a file export leaves nothing behind. */
  abort(): Promise<void>;
}

export async function openSink(output: string | undefined, stdout: Writable = process.stdout): Promise<Sink> {
  return output === undefined || output === '-' ? streamSink(stdout) : fileSink(output);
}

function streamSink(stream: Writable): Sink {
  let gone = false;
  const onError = () => (gone = true); // EPIPE: main.ts lets a reader stop early
  stream.on('error', onError);
  return {
    async write(text) {
      if (gone || stream.destroyed) return false;
      if (!stream.write(text)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('close', done);
            stream.off('error', done);
            resolve();
          };
          stream.on('drain', done).on('close', done).on('error', done);
        });
      }
      return !gone && !stream.destroyed;
    },
    async finish() {
      stream.off('error', onError);
    },
    async abort() {
      stream.off('error', onError);
    },
  };
}

async function fileSink(output: string): Promise<Sink> {
  const temp = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
  let file;
  try {
    // 0600, as esipay's databases: an export lists a merchant's every payment.
    file = await open(temp, 'wx', 0o600);
  } catch (e) {
    throw invalid(
      'unwritable_output',
      `cannot write ${printable(output, { spaces: true, max: 200 })}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      'give --output a file in a directory you can write to',
    );
  }
  const handle = file;
  return {
    async write(text) {
      await handle.write(text);
      return true;
    },
    async finish() {
      await handle.sync();
      await handle.close();
      await rename(temp, output);
    },
    async abort() {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}
