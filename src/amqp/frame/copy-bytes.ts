/**
 * Copies n bytes from src[from..] to dst[to..] and returns to + n. For the
 * short runs of small messages (keys, properties, 16-byte bodies) a plain
 * loop beats Buffer#copy, whose argument checks cost more than the copy.
 */
export function copyBytes(src: Buffer, from: number, dst: Buffer, to: number, n: number): number {
  if (n > 48) {
    src.copy(dst, to, from, from + n);
    return to + n;
  }
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  return to + n;
}
