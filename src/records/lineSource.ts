import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { RecordFormatError } from '../errors';

/** Calls `visit` with consecutive chunks of a byte stream; may be called again to re-read from the start. */
export type ChunkSource = (visit: (chunk: Buffer) => void) => void;

const CHUNK = 1 << 20;
/** A records row of 10⁵ classes × 100 exits is ~100 MB; a longer "line" is not a records CSV. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Chunks of an in-memory buffer. */
export function bufferSource(data: Buffer): ChunkSource {
  return (visit) => {
    for (let off = 0; off < data.length; off += CHUNK) visit(data.subarray(off, Math.min(off + CHUNK, data.length)));
  };
}

/** Chunks of a plain file, read with a fixed 1 MiB buffer (never the whole file in memory). */
export function fileSource(file: string): ChunkSource {
  return (visit) => {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.allocUnsafe(CHUNK);
    try {
      let n: number;
      while ((n = fs.readSync(fd, buf, 0, CHUNK, null)) > 0) visit(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  };
}

/** Largest decompressed gzip records accepted: larger records are stored as plain CSV, which is streamed. */
export const MAX_GUNZIP_BYTES = 2 * 1024 * 1024 * 1024;
/** Compressed bytes inflated first to check the header before the whole file is decompressed. */
const HEAD_BYTES = 1 << 20;

/**
 * A gzip file, decompressed into memory (Node has no documented synchronous streaming inflate);
 * the lines are then scanned in chunks, never as one string. First, only the file's first MiB is
 * inflated and `checkHead` sees the text it yields (up to the first line): a file that is not
 * records (a gzip bomb of zeros) is refused at once, never decompressed. The whole file is then
 * decompressed with a bound of `maxBytes` (default 2 GiB): a bomb behind a valid header stops
 * there with a one-line error instead of filling memory.
 */
export function gzipSource(
  file: string,
  checkHead?: (head: string, complete: boolean) => void,
  maxBytes = MAX_GUNZIP_BYTES,
): ChunkSource {
  const fail = (err: unknown): never => {
    const msg = (err as Error).message;
    throw new RecordFormatError(
      `${file}: cannot decompress gzip data (${msg}); expected a complete .csv.gz or a plain CSV`,
      { cause: err },
    );
  };
  if (checkHead) {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
    } finally {
      fs.closeSync(fd);
    }
    let head: Buffer;
    try {
      // Z_SYNC_FLUSH: inflate what this prefix holds without requiring the end of the stream.
      head = zlib.gunzipSync(buf.subarray(0, n), {
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        maxOutputLength: 4 * HEAD_BYTES,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') fail(err);
      head = zlib.gunzipSync(buf.subarray(0, Math.min(n, 4096)), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    }
    const nl = head.indexOf(0x0a);
    checkHead(head.toString('utf8', 0, nl < 0 ? head.length : nl).replace(/\r$/, ''), nl >= 0);
  }
  let data: Buffer | null = null;
  try {
    data = zlib.gunzipSync(fs.readFileSync(file), { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new RecordFormatError(
        `${file}: decompresses to more than ${maxBytes} bytes (a gzip bomb, or records too large for gzip: store them as a plain CSV, which is streamed)`,
        { cause: err },
      );
    }
    fail(err);
  }
  return bufferSource(data as Buffer);
}

/**
 * Visit every line (without its "\n" or "\r\n") with its 1-based number; `visit` returns false to
 * stop early. Lines are decoded from UTF-8 one at a time, so files far larger than a JS string work.
 */
export function scanLines(
  source: ChunkSource,
  file: string,
  visit: (line: string, lineNo: number) => boolean | void,
): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  let stopped = false;
  const emit = (buf: Buffer, start: number, end: number) => {
    if (end > start && buf[end - 1] === 0x0d) end--;
    lineNo++;
    if (visit(buf.toString('utf8', start, end), lineNo) === false) stopped = true;
  };
  const STOP = {};
  try {
    source((chunk) => {
      let pos = 0;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(0x0a, pos);
        if (nl < 0) {
          pending.push(Buffer.from(chunk.subarray(pos))); // copy: the source reuses its buffer
          pendingBytes += chunk.length - pos;
          if (pendingBytes > MAX_LINE_BYTES)
            throw new RecordFormatError(
              `${file}: line ${lineNo + 1} is longer than ${MAX_LINE_BYTES} bytes (not a records CSV?)`,
            );
          break;
        }
        if (pending.length) {
          pending.push(chunk.subarray(pos, nl));
          const joined = Buffer.concat(pending);
          pending = [];
          pendingBytes = 0;
          emit(joined, 0, joined.length);
        } else {
          emit(chunk, pos, nl);
        }
        if (stopped) throw STOP;
        pos = nl + 1;
      }
    });
    if (pending.length) {
      const joined = Buffer.concat(pending);
      emit(joined, 0, joined.length);
    }
  } catch (err) {
    if (err !== STOP) throw err;
  }
}

function isBlankByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d;
}

/**
 * Number of the last line holding anything but blanks (0 for a blank file), by scanning bytes
 * only: the first pass of a two-pass read that sizes the typed arrays exactly.
 */
export function lastNonBlankLine(source: ChunkSource): number {
  let lineNo = 1;
  let last = 0;
  source((chunk) => {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (last !== lineNo) {
        for (let i = pos; i < end; i++) {
          if (!isBlankByte(chunk[i])) {
            last = lineNo;
            break;
          }
        }
      }
      if (nl < 0) break;
      lineNo++;
      pos = nl + 1;
    }
  });
  return last;
}
