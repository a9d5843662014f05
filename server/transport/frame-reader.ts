// Splits a TCP byte stream into length-prefixed frames (4-byte big-endian length, then
// the payload). A frame over the bound is a protocol error: the caller drops the
// connection instead of buffering without limit.

export type FrameResult = { type: 'frames'; frames: Uint8Array[] } | { type: 'error'; reason: string };

export const FRAME_HEADER_BYTES = 4;

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  new DataView(frame.buffer).setUint32(0, payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export class FrameReader {
  private buffered: Uint8Array = new Uint8Array(0);

  constructor(private readonly frameBytesMax: number) {}

  push(chunk: Uint8Array): FrameResult {
    this.buffered = this.buffered.length === 0 ? chunk : concat(this.buffered, chunk);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (this.buffered.length - offset >= FRAME_HEADER_BYTES) {
      const view = new DataView(this.buffered.buffer, this.buffered.byteOffset + offset, FRAME_HEADER_BYTES);
      const length = view.getUint32(0);
      if (length > this.frameBytesMax) {
        return {
          type: 'error',
          reason: `frame of ${length} bytes exceeds frameBytesMax ${this.frameBytesMax}`,
        };
      }
      if (this.buffered.length - offset - FRAME_HEADER_BYTES < length) break;
      const start = offset + FRAME_HEADER_BYTES;
      frames.push(this.buffered.slice(start, start + length));
      offset = start + length;
    }
    this.buffered = offset === 0 ? this.buffered : this.buffered.slice(offset);
    return { type: 'frames', frames };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
